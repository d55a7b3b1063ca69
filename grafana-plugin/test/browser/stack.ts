import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

/** The real receiver and demo POS as child processes, for the browser test. */
// The services' entry points, found through their packages' exports.
const RECEIVER_MAIN = createRequire(import.meta.url).resolve('@stacklens/receiver/main');
const POS_MAIN = createRequire(import.meta.url).resolve('@stacklens/demo-pos/main');

export interface Child {
  child: ChildProcess;
  url: string;
  output: string[];
}

/** Spawns `main` and resolves with the first URL a stdout/stderr line matching `pattern` names. */
async function startChild(main: string, env: Record<string, string>, pattern: RegExp): Promise<Child> {
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${main} did not start within 90 s:\n${output.join('\n')}`)), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${main} exited early with ${code}:\n${output.join('\n')}`));
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        const match = pattern.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    }
  });
  return { child, url, output };
}

export function startReceiver(dataDir: string, tokens: { admin: string; editor: string; viewer: string }): Promise<Child> {
  return startChild(
    RECEIVER_MAIN,
    {
      STACKLENS_DATA_DIR: dataDir,
      RECEIVER_PORT: '0',
      STACKLENS_ADMIN_TOKEN: tokens.admin,
      STACKLENS_EDITOR_TOKEN: tokens.editor,
      STACKLENS_VIEWER_TOKEN: tokens.viewer,
      // The Jira double the page configures listens on 127.0.0.1.
      STACKLENS_ALLOW_PRIVATE_TARGETS: 'true',
    },
    /logs at (http:\/\/[^\s"]+)\/v1\/logs/,
  );
}

export function startPos(receiverUrl: string): Promise<Child> {
  // A short export delay so the order's error reaches the receiver promptly.
  return startChild(
    POS_MAIN,
    { POS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_BLRP_SCHEDULE_DELAY: '200' },
    /listening on (http:\/\/\S+)/,
  );
}

/** SIGTERM and wait: both flush what they accepted before exiting. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
