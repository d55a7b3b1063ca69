import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

export const API_TOKENS = { viewer: 'reliability-viewer-token-0123', admin: 'reliability-admin-token-4567' } as const;

export interface ReceiverProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://host:port */
  readonly url: string;
  /** Every line the process wrote, stdout and stderr, as it wrote them. */
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size now, and its peak since start (VmRSS, VmHWM), in MiB. */
  memory(): { rssMiB: number; peakMiB: number };
  /** SIGTERM: the receiver stores what it accepted, then exits. */
  stop(): Promise<number | null>;
  /** SIGKILL: nothing gets to run; what was not stored is gone. */
  kill(): Promise<void>;
}

/**
 * The receiver as it runs in production: `node src/main.ts` in a process of its own, configured
 * by its environment, with the API tokens fixed. Resolves once it listens.
 */
export async function startReceiverProcess(env: Record<string, string>): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      RECEIVER_PORT: '0',
      LOG_LEVEL: 'info',
      STACKLENS_VIEWER_TOKEN: API_TOKENS.viewer,
      STACKLENS_ADMIN_TOKEN: API_TOKENS.admin,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string): void => {
      output.push(line);
      const match = /OTLP\/HTTP logs at (http:\/\/[^/\s]+)/.exec(line);
      if (match) resolve(match[1]!);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then(({ code }) => reject(new Error(`the receiver exited with ${code} before listening:\n${output.join('\n')}`)));
  });
  const pid = child.pid!;
  return {
    child,
    pid,
    url,
    output,
    exited,
    memory: () => memoryOf(pid),
    async stop() {
      child.kill('SIGTERM');
      return (await exited).code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
