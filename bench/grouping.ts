/**
 * `npm run bench:grouping`: how well StackLens groups real logs, and how fast its miner is.
 *
 * 1. Grouping accuracy per system on the LogHub 2k samples (bench/groupingCorpus.ts: 16
 *    systems, 2,000 labelled lines each; and the 14 with corrected labels), through the
 *    product's own path: each line is an ERROR record of a service named after its system,
 *    `createPipeline` with the shipped rules detects and groups it (masking, template miner,
 *    fingerprint, aliases and merges; the storm guard off, since it merges new incidents of a
 *    rule on purpose), and a line's group is the incident its occurrence row
 *    names, resolved through the tracker's aliases at the end. One configuration for all.
 * 2. The same table for Drain3 (PyPI `drain3` 0.9.11, installed into bench/.cache/python on
 *    first run), with its defaults and with generic masking, run by bench/grouping_drain3.py
 *    on the same files. Skipped, saying why, without python3 or pip.
 * 3. The miner's own speed: maskMessage, template mining and fingerprint (ErrorIdentifier)
 *    over every line of the corpus, CPU time on one core, against a limit of 100,000
 *    records/s, printed as a ratio.
 *
 * Options (environment): LOGHUB_2K_DIR (the folder of `<System>_2k.log_structured.csv`, its
 * `corrected/` subfolder for the corrected labels), BENCH_SPEED_ROUNDS [5].
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline, defaultRuleSet, ErrorIdentifier } from '@stacklens/processor';
import type { Detection, Incident, IncidentRepository, Occurrence, PipelineRecord } from '@stacklens/processor';
import { corpusFolder, groupingAccuracy, type LabelledLine, type LabelSet, loadSystem, systemsOf } from './groupingCorpus.ts';

const TARGET_ACCURACY = 0.9;
const TARGET_RECORDS_PER_SECOND = 100_000;
const SPEED_ROUNDS = Number(process.env.BENCH_SPEED_ROUNDS ?? 5);
const BATCH = 500;
const HERE = dirname(fileURLToPath(import.meta.url));
const DRAIN3 = 'drain3==0.9.11';

/** Keeps the occurrence rows: their incident ids are the groups. */
class CollectingRepository implements IncidentRepository {
  readonly occurrences: Occurrence[] = [];
  async loadIncidents(): Promise<Incident[]> {
    return [];
  }
  async saveIncidents(): Promise<void> {}
  async appendOccurrences(occurrences: ReadonlyArray<Occurrence>): Promise<void> {
    this.occurrences.push(...occurrences);
  }
  async appendAudit(): Promise<void> {}
}

function recordOf(system: string, line: LabelledLine, index: number): PipelineRecord {
  return {
    Timestamp: String(1_767_225_600_000_000_000n + BigInt(index) * 1_000_000n),
    TraceId: '',
    SpanId: '',
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    ServiceName: system,
    Body: line.content,
    ResourceAttributes: {},
    LogAttributes: { 'log.line': String(index) },
  };
}

/** The product's grouping of one system's lines: incident ids, in line order. */
async function groupThroughPipeline(system: string, lines: ReadonlyArray<LabelledLine>): Promise<string[]> {
  const repository = new CollectingRepository();
  const pipeline = createPipeline({
    // The storm guard is off: it puts a rule's new incidents into one on purpose, which is not what is measured here.
    ruleSet: { ...defaultRuleSet(), storm: { maxNewIncidents: Number.MAX_SAFE_INTEGER } },
    repository,
    bus: () => {},
    tracker: { pendingLimits: { maxOccurrences: lines.length + 1 } },
    onError: (error) => {
      throw error;
    },
  });
  await pipeline.start();
  const records = lines.map((line, index) => recordOf(system, line, index));
  for (let start = 0; start < records.length; start += BATCH) pipeline.consume(records.slice(start, start + BATCH));
  await pipeline.close();
  const byLine = new Map<string, string>();
  for (const occurrence of repository.occurrences) {
    byLine.set(occurrence.timestamp, pipeline.tracker.incidentIdOf(occurrence.incidentId) ?? occurrence.incidentId);
  }
  return records.map((record) => byLine.get(record.Timestamp) ?? `missing:${record.Timestamp}`);
}

interface Drain3Result {
  [system: string]: { default: number; masked: number } | number;
}

/** Drain3's grouping accuracy on the same files, or the reason it could not run. */
function runDrain3(folder: string, systems: ReadonlyArray<string>): Drain3Result | string {
  const target = join(HERE, '.cache', 'python');
  const python = spawnSync('python3', ['--version']);
  if (python.error !== undefined || python.status !== 0) return 'python3 not found';
  if (!existsSync(join(target, 'drain3'))) {
    const install = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, DRAIN3], {
      encoding: 'utf8',
    });
    if (install.status !== 0) return `pip install ${DRAIN3} failed: ${(install.stderr || install.stdout).trim().split('\n').at(-1)}`;
  }
  const output = execFileSync('python3', [join(HERE, 'grouping_drain3.py'), folder, ...systems], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: target },
    maxBuffer: 1 << 24,
  });
  return JSON.parse(output) as Drain3Result;
}

/** Records per second of CPU time for ErrorIdentifier.identify over every line, best of the rounds. */
function minerSpeed(corpus: ReadonlyMap<string, LabelledLine[]>): number {
  const rule = defaultRuleSet().rules.find((candidate) => candidate.id === 'generic-error');
  if (rule === undefined) throw new Error('the shipped rules have no generic-error rule');
  const detections: Detection[] = [];
  for (const [system, lines] of corpus) {
    lines.forEach((line, index) => {
      detections.push({ record: recordOf(system, line, index), rule, errorType: 'LOG_ERROR', severity: 'MEDIUM', detectedAt: 0 });
    });
  }
  let best = 0;
  for (let round = 0; round < SPEED_ROUNDS; round += 1) {
    // A fresh identifier each round: its cache of identical messages must not flatter the figure.
    const identifier = new ErrorIdentifier();
    const started = process.cpuUsage();
    for (const detection of detections) identifier.identify(detection);
    const used = process.cpuUsage(started);
    best = Math.max(best, detections.length / ((used.user + used.system) / 1e6));
  }
  return best;
}

function cell(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(3);
}

async function table(labels: LabelSet): Promise<Map<string, LabelledLine[]>> {
  const corpus = new Map<string, LabelledLine[]>();
  for (const system of systemsOf(labels)) {
    const lines = await loadSystem(system, labels);
    if (lines !== undefined) corpus.set(system, lines);
  }
  const ours = new Map<string, number>();
  for (const [system, lines] of corpus) {
    const groups = await groupThroughPipeline(system, lines);
    ours.set(
      system,
      groupingAccuracy(
        lines.map((line) => line.template),
        groups,
      ),
    );
  }
  const drain3 = runDrain3(corpusFolder(labels), [...corpus.keys()]);
  const drain3Of = (system: string, setting: 'default' | 'masked'): number | undefined => {
    if (typeof drain3 === 'string') return undefined;
    const entry = drain3[system];
    return typeof entry === 'object' ? entry[setting] : undefined;
  };

  console.log(`\n### LogHub 2k, ${labels} labels (${corpus.size} systems)\n`);
  console.log('| system | lines | StackLens | Drain3 (defaults) | Drain3 (masking) |');
  console.log('|---|---:|---:|---:|---:|');
  const average = (values: Array<number | undefined>): number | undefined =>
    values.some((value) => value === undefined) ? undefined : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
  for (const [system, lines] of corpus) {
    console.log(
      `| ${system} | ${lines.length} | ${cell(ours.get(system))} | ${cell(drain3Of(system, 'default'))} | ${cell(drain3Of(system, 'masked'))} |`,
    );
  }
  const systems = [...corpus.keys()];
  const ourAverage = average(systems.map((system) => ours.get(system)));
  const drainDefault = average(systems.map((system) => drain3Of(system, 'default')));
  const drainMasked = average(systems.map((system) => drain3Of(system, 'masked')));
  console.log(`| **average** | | **${cell(ourAverage)}** | ${cell(drainDefault)} | ${cell(drainMasked)} |`);
  if (typeof drain3 === 'string') console.log(`\nDrain3 skipped: ${drain3}`);
  const best = Math.max(drainDefault ?? 0, drainMasked ?? 0);
  console.log(
    `\nStackLens average ${cell(ourAverage)}: ${(ourAverage ?? 0) >= TARGET_ACCURACY ? 'meets' : 'misses'} the target of ${TARGET_ACCURACY}` +
      (typeof drain3 === 'string' ? '' : `; ${(ourAverage ?? 0) > best ? 'ahead of' : 'behind'} Drain3 (best ${cell(best)})`),
  );
  if (typeof drain3 !== 'string' && typeof drain3._speed === 'number') {
    console.log(`Drain3's own speed on these lines: ${Math.round(drain3._speed).toLocaleString('en')} records/s (CPU time)`);
  }
  return corpus;
}

const original = await table('original');
await table('corrected');
const speed = minerSpeed(original);
const lines = [...original.values()].reduce((sum, system) => sum + system.length, 0);
console.log(
  `\nMiner speed (mask + mine + fingerprint, ${lines.toLocaleString('en')} lines × ${SPEED_ROUNDS} rounds, one core): ` +
    `${Math.round(speed).toLocaleString('en')} records/s = ${(speed / TARGET_RECORDS_PER_SECOND).toFixed(2)} × the limit of ${TARGET_RECORDS_PER_SECOND.toLocaleString('en')}`,
);
