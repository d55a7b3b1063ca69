import { execFile } from 'node:child_process';

/** The Go the pinned Collector Builder and components need (their go.mod says `go 1.26.0`). */
export const MINIMUM_GO = '1.26.0';

export class GoToolchainError extends Error {
  override name = 'GoToolchainError';
}

/** `go version go1.26.8 linux/amd64` → `1.26.8`; undefined when the text is not a go version line. */
export function parseGoVersion(output: string): string | undefined {
  return /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

/** Numeric comparison of dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The version of the `go` on the PATH of `env`, or a GoToolchainError that says
 * what to do: the build needs nothing else from the machine.
 */
export async function checkGo(env: NodeJS.ProcessEnv = process.env, go = 'go'): Promise<string> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(go, ['version'], { env }, (error, stdout) => {
      if (error) {
        reject(
          new GoToolchainError(
            `Go ${MINIMUM_GO} or newer is needed to build the Collector, and \`${go}\` could not be run ` +
              `(${(error as NodeJS.ErrnoException).code ?? error.message}). Install Go and put it on the PATH, ` +
              'or run StackLens without the Collector (`npm start -- --direct`).',
          ),
        );
      } else resolve(stdout);
    });
  });
  const version = parseGoVersion(output);
  if (version === undefined) throw new GoToolchainError(`\`${go} version\` printed ${JSON.stringify(output.trim())}: not a Go version`);
  if (compareVersions(version, MINIMUM_GO) < 0) {
    throw new GoToolchainError(`Go ${version} is too old to build the Collector: the pinned components need Go ${MINIMUM_GO} or newer.`);
  }
  return version;
}
