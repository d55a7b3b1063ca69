/**
 * Where the receiver's main thread spends its time, from a V8 CPU profile: the
 * sampled self time of every function, put into the ingest path's stages by the
 * file it lives in. The benchmark profiles its main thread (where the receiver
 * runs) with the inspector while the receiver is loaded; `node --cpu-prof`
 * profiles give the same split (`node bench/profileSplit.ts file.cpuprofile`).
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export const STAGES = ['decode', 'encode', 'detection', 'store', 'http', 'gc', 'other'] as const;
export type Stage = (typeof STAGES)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** The stage a function belongs to, by its file (order matters: first match wins). */
const RULES: Array<[RegExp, Stage]> = [
  [/\/receiver\/src\/(otlp|ingest\/otlp)\/(render|goFormat|jsonString)/, 'encode'],
  [/\/receiver\/src\/(otlp|ingest\/otlp)\/toLogRows/, 'detection'],
  [/\/receiver\/src\/(otlp|ingest\/otlp)\//, 'decode'],
  [/\/protobufjs\//, 'decode'],
  [/\/receiver\/src\/(store|ingest)\/encode/, 'encode'],
  [/\/receiver\/src\/(store|ingest)\//, 'store'],
  [/\/chdb\//, 'store'],
  [/\/processor\/|\/receiver\/src\/(incidents|group|live|publish|enrich|ai|ticket|jira)\//, 'detection'],
  [
    /\/fastify|\/find-my-way\/|\/light-my-request\/|\/avvio\/|\/receiver\/src\/(routes|http)\/|^node:(_http|http|net|stream|zlib)|^node:internal\/(http|streams|stream_base|net)/,
    'http',
  ],
];

export function stageOf(frame: ProfileNode['callFrame']): Stage | 'idle' {
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(garbage collector)') return 'gc';
  for (const [pattern, stage] of RULES) if (pattern.test(frame.url)) return stage;
  return 'other';
}

/** V8's own entries, which have no caller to inherit from. */
const VM_ENTRIES = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

/**
 * The stage of every node of the profile's call tree. A function without a file — code that
 * protobufjs generates for each message type with `new Function`, V8 builtins such as the UTF-8
 * writer — takes the stage of its nearest caller that has one: the generated decoders are
 * decoding, a Buffer write inside the encoder is encoding (counted as "other" before).
 */
function stagesOf(profile: CpuProfile): Map<number, Stage | 'idle'> {
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const stages = new Map<number, Stage | 'idle'>();
  const resolve = (node: ProfileNode): Stage | 'idle' => {
    const known = stages.get(node.id);
    if (known) return known;
    const { url, functionName } = node.callFrame;
    const parent = parentOf.get(node.id);
    const stage = url === '' && !VM_ENTRIES.has(functionName) && parent ? resolve(parent) : stageOf(node.callFrame);
    stages.set(node.id, stage);
    return stage;
  };
  for (const node of profile.nodes) resolve(node);
  return stages;
}

/** Busy milliseconds per stage (idle time left out). */
export function splitProfile(profile: CpuProfile): Record<Stage, number> {
  const stageById = stagesOf(profile);
  const split = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next sample.
  for (let i = 0; i < samples.length; i++) {
    const stage = stageById.get(samples[i]!);
    const micros = deltas[i + 1] ?? 0;
    if (stage && stage !== 'idle') split[stage] += micros / 1000;
  }
  return split;
}

/** Samples the main thread's CPU profile between start() and stop(). */
export class MainThreadProfiler {
  readonly #session = new Session();

  async start(): Promise<void> {
    this.#session.connect();
    await this.#session.post('Profiler.enable');
    await this.#session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await this.#session.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = (await this.#session.post('Profiler.stop')) as { profile: CpuProfile };
    await this.#session.post('Profiler.disable');
    this.#session.disconnect();
    return profile;
  }
}

if (import.meta.main) {
  for (const file of process.argv.slice(2)) {
    const split = splitProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const busy = Object.values(split).reduce((sum, ms) => sum + ms, 0);
    console.log(file);
    for (const stage of STAGES)
      console.log(`  ${stage.padEnd(10)} ${split[stage].toFixed(0).padStart(7)} ms  ${((split[stage] / busy) * 100).toFixed(1)} %`);
  }
}
