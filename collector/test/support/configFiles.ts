import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REPO_DIR } from '../../src/paths.ts';

export function repoPath(path: string): string {
  return join(REPO_DIR, path);
}

export function readText(path: string): string {
  return readFileSync(repoPath(path), 'utf8');
}

export function readYaml<T>(path: string): T {
  return parse(readText(path)) as T;
}

/** `${env:NAME}` / `${env:NAME:-default}` in a Collector configuration: name → default ('' when none). */
export function collectorVariables(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)) {
    found.set(match[1]!, match[2] ?? '');
  }
  return found;
}

const SHELL_STYLE = /\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Names substituted in a compose file or a Grafana provisioning file (`${NAME}`, `${NAME:-default}`, `${NAME:?error}`). */
export function substitutedVariables(text: string): Set<string> {
  return new Set([...withoutComments(text).matchAll(SHELL_STYLE)].map((match) => match[1]!));
}

/** Compose's interpolation: `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME}`, `$$`. */
export function interpolate(text: string, variables: ReadonlyMap<string, string>): string {
  return withoutComments(text)
    .replace(SHELL_STYLE, (_whole, name: string, operator: string | undefined, argument: string | undefined) => {
      const value = variables.get(name);
      const unsetOrEmpty = value === undefined || (operator?.startsWith(':') && value === '');
      if (operator?.endsWith('?') && unsetOrEmpty) throw new Error(`${name}: ${argument}`);
      if (operator?.endsWith('-') && unsetOrEmpty) return argument ?? '';
      return value ?? '';
    })
    .replaceAll('$$', '$');
}

function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** `NAME=value` lines of a dotenv file. */
export function readDotenv(path: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readText(path).split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!);
  }
  return values;
}

/** Every .ts file under `folders` (or the files themselves; relative to the repository), test files excluded unless `includeTests`. */
export function sourceFiles(folders: readonly string[], includeTests = false): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name === 'coverage') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && (includeTests || !/\.test\.tsx?$/.test(name))) files.push(path);
    }
  };
  for (const folder of folders) {
    if (!existsSync(repoPath(folder))) continue;
    if (statSync(repoPath(folder)).isDirectory()) walk(repoPath(folder));
    else files.push(repoPath(folder));
  }
  return files;
}

/**
 * The environment variables code reads, by name, with the files that read them.
 * The patterns the code base uses: `env.NAME` / `process.env.NAME` / `env['NAME']`,
 * a helper taking the environment first (`integer(env, 'NAME', …)`), and the
 * OTel SDK's `getStringFromEnv('NAME')`-style readers.
 */
export function environmentReads(files: readonly string[]): Map<string, string[]> {
  const patterns = [
    /\benv\??\.([A-Z][A-Z0-9_]+)\b/g,
    /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g,
    /\(\s*(?:[\w.]*\.)?env\s*,\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
    /\w*FromEnv\(\s*['"]([A-Z][A-Z0-9_]+)['"]/g,
  ];
  const reads = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const readers = reads.get(match[1]!) ?? [];
        const where = relative(REPO_DIR, file);
        if (!readers.includes(where)) readers.push(where);
        reads.set(match[1]!, readers);
      }
    }
  }
  return reads;
}

/** YAML files under a folder (relative to the repository), recursively; none when it does not exist. */
export function yamlFiles(folder: string): string[] {
  return sourceFilesMatching(folder, /\.ya?ml$/);
}

function sourceFilesMatching(folder: string, pattern: RegExp): string[] {
  if (!existsSync(repoPath(folder))) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (pattern.test(name)) files.push(relative(REPO_DIR, path));
    }
  };
  walk(repoPath(folder));
  return files;
}
