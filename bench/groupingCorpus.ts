/**
 * The labelled corpus of the grouping benchmark: the LogHub "2k" samples (2,000 log lines of
 * each of 16 systems, each line labelled with its event template), from the LogHub project
 * (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven Log
 * Analytics", ISSRE 2023; https://github.com/logpai/loghub). Also, for 14 of them, the
 * corrected labels published with LogHub-2.0 (https://github.com/logpai/loghub-2.0, from
 * Khan et al., "Guidelines for Assessing the Accuracy of Log Message Template Identification
 * Techniques", ICSE 2022). Licence: free for research and academic work, with a reference to
 * the LogHub repository and its paper; not redistributed here: the files are downloaded at
 * run time into a cache folder (bench/.cache/, ignored by git), or read from LOGHUB_2K_DIR.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SYSTEMS = [
  'HDFS',
  'Hadoop',
  'Spark',
  'Zookeeper',
  'BGL',
  'HPC',
  'Thunderbird',
  'Windows',
  'Linux',
  'Android',
  'HealthApp',
  'Apache',
  'Proxifier',
  'OpenSSH',
  'OpenStack',
  'Mac',
] as const;

export type LabelSet = 'original' | 'corrected';

/** The systems of a label set: the corrected labels leave out Windows and Android. */
export function systemsOf(labels: LabelSet): ReadonlyArray<string> {
  return labels === 'original' ? SYSTEMS : SYSTEMS.filter((system) => system !== 'Windows' && system !== 'Android');
}

export interface LabelledLine {
  content: string;
  template: string;
}

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '.cache');

function sourceOf(system: string, labels: LabelSet): string {
  return labels === 'original'
    ? `https://raw.githubusercontent.com/logpai/loghub/master/${system}/${system}_2k.log_structured.csv`
    : `https://raw.githubusercontent.com/logpai/loghub-2.0/main/2k_dataset/${system}/${system}_2k.log_structured_corrected.csv`;
}

/** The folder the CSV files of a label set are read from (`<System>_2k.log_structured.csv`). */
export function corpusFolder(labels: LabelSet): string {
  const given = process.env.LOGHUB_2K_DIR;
  if (given !== undefined && given !== '') return labels === 'original' ? given : join(given, 'corrected');
  return join(CACHE, labels === 'original' ? 'loghub-2k' : 'loghub-2k-corrected');
}

/**
 * The labelled lines of one system, downloaded once into the cache. Undefined when the label
 * set has no file for the system.
 * @throws Error saying where to put the file when it is neither cached nor downloadable.
 */
export async function loadSystem(system: string, labels: LabelSet): Promise<LabelledLine[] | undefined> {
  const file = join(corpusFolder(labels), `${system}_2k.log_structured.csv`);
  if (!existsSync(file)) {
    const source = sourceOf(system, labels);
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new Error(
        `${file} is missing and ${source} cannot be reached (${(error as Error).message}): download it there, or set LOGHUB_2K_DIR`,
      );
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await response.text());
  }
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const content = header.indexOf('Content');
  const template = header.indexOf('EventTemplate');
  if (content < 0 || template < 0) throw new Error(`${file}: no Content or EventTemplate column`);
  return rows
    .slice(1)
    .filter((row) => row.length === header.length)
    .map((row) => ({ content: row[content] ?? '', template: row[template] ?? '' }));
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (char !== '\r') field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Grouping accuracy (Zhu et al., ICSE-SEIP 2019): the share of lines whose predicted group
 * holds exactly the lines of their true template.
 */
export function groupingAccuracy(truth: ReadonlyArray<string>, predicted: ReadonlyArray<string>): number {
  const trueSizes = new Map<string, number>();
  for (const key of truth) trueSizes.set(key, (trueSizes.get(key) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  predicted.forEach((key, index) => {
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [index]);
    else members.push(index);
  });
  let right = 0;
  for (const members of groups.values()) {
    const label = truth[members[0] ?? 0] ?? '';
    if (trueSizes.get(label) === members.length && members.every((index) => truth[index] === label)) right += members.length;
  }
  return truth.length === 0 ? 1 : right / truth.length;
}
