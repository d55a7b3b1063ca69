import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const POS_MAIN = fileURLToPath(new URL('../../../demo-pos/src/main.ts', import.meta.url));

export interface PosProcess {
  child: ChildProcess;
  url: string;
}

/** The real demo POS process exporting to `receiverUrl`; resolves once it listens. */
export async function startPos(receiverUrl: string, env: Record<string, string> = {}): Promise<PosProcess> {
  const child = spawn(process.execPath, [POS_MAIN], {
    env: { ...process.env, POS_PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`POS exited early with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  return { child, url };
}

/** SIGTERM, which makes the POS flush its telemetry before it exits. */
export async function stopPos(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
