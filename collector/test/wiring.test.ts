import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ApiTokensError, ConfigError, loadApiTokens, loadConfig } from '@stacklens/receiver';
import { BINARY_PATH, CONFIG_PATH } from '../src/paths.ts';
import { COLLECTOR_GOGC } from '../src/CollectorProcess.ts';
import {
  collectorVariables,
  environmentReads,
  interpolate,
  readDotenv,
  readText,
  readYaml,
  repoPath,
  sourceFiles,
  substitutedVariables,
  yamlFiles,
} from './support/configFiles.ts';

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}
interface CollectorConfig {
  extensions: Record<string, unknown>;
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, Record<string, unknown>>;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}
interface Manifest {
  dist: { name: string; output_path: string };
  receivers: Array<{ gomod: string }>;
  processors: Array<{ gomod: string }>;
  exporters: Array<{ gomod: string }>;
  extensions: Array<{ gomod: string }>;
  providers: Array<{ gomod: string }>;
}

/** The component types each module of the manifest registers (the second name is the deprecated alias the Collector still accepts). */
const TYPES_OF_MODULE: Record<string, string[]> = {
  'go.opentelemetry.io/collector/receiver/otlpreceiver': ['otlp'],
  'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver': ['file_log', 'filelog'],
  'go.opentelemetry.io/collector/processor/memorylimiterprocessor': ['memory_limiter'],
  'go.opentelemetry.io/collector/processor/batchprocessor': ['batch'],
  'github.com/open-telemetry/opentelemetry-collector-contrib/processor/resourceprocessor': ['resource'],
  'go.opentelemetry.io/collector/exporter/otlphttpexporter': ['otlp_http', 'otlphttp'],
  'go.opentelemetry.io/collector/exporter/debugexporter': ['debug'],
  'github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage': ['file_storage'],
  'github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension': ['health_check'],
  'github.com/open-telemetry/opentelemetry-collector-contrib/extension/bearertokenauthextension': ['bearertokenauth'],
};

const config = readYaml<CollectorConfig>('otel-collector-config.yaml');
const ingestAuth = readYaml<IngestAuthOverlay>('otel-collector-ingest-auth.yaml');
const manifest = readYaml<Manifest>('collector/builder-config.yaml');
const envExample = readDotenv('.env.example');
/** The passwords .env.example leaves empty (compose refuses to start without them), as an operator fills them in. */
const REQUIRED_PASSWORDS = ['CLICKHOUSE_PASSWORD', 'CLICKHOUSE_GRAFANA_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'];
const filledEnv = new Map([...envExample, ...REQUIRED_PASSWORDS.map((name) => [name, `${name.toLowerCase()}-filled-in`] as const)]);
const compose = parse(interpolate(readText('docker-compose.yml'), filledEnv)) as ComposeFile;

interface IngestAuthOverlay {
  extensions: Record<string, { scheme?: string; token?: string }>;
  receivers: { otlp: { protocols: Record<string, { auth?: { authenticator?: string } }> } };
  service: { extensions: string[] };
}

function typeOf(componentId: string): string {
  return componentId.split('/')[0]!;
}

function moduleTypes(kind: keyof Omit<Manifest, 'dist'>): string[] {
  return manifest[kind].flatMap(({ gomod }) => {
    const types = TYPES_OF_MODULE[gomod.split(' ')[0]!];
    if (!types) throw new Error(`${gomod}: add its component types to TYPES_OF_MODULE`);
    return types;
  });
}

describe('the builder manifest', () => {
  it('pins one release train: core v0.165.0 (stable modules v1.71.0) and contrib v0.165.0', () => {
    const all = [...manifest.receivers, ...manifest.processors, ...manifest.exporters, ...manifest.extensions];
    for (const { gomod } of all) expect(gomod, gomod).toMatch(/ v0\.165\.0$/);
    for (const { gomod } of manifest.providers) expect(gomod, gomod).toMatch(/ v1\.71\.0$/);
  });

  it('holds the components the issue asks for, and the env and file providers', () => {
    expect(moduleTypes('receivers')).toEqual(expect.arrayContaining(['otlp', 'file_log']));
    expect(moduleTypes('processors')).toEqual(expect.arrayContaining(['memory_limiter', 'batch', 'resource']));
    expect(moduleTypes('exporters')).toEqual(expect.arrayContaining(['otlp_http', 'debug']));
    expect(moduleTypes('extensions')).toEqual(expect.arrayContaining(['file_storage', 'health_check']));
    expect(manifest.providers.map(({ gomod }) => gomod.split(' ')[0])).toEqual([
      'go.opentelemetry.io/collector/confmap/provider/envprovider',
      'go.opentelemetry.io/collector/confmap/provider/fileprovider',
    ]);
  });

  it('puts the binary where npm start, the tests and the benchmark look for it', () => {
    expect(join(repoPath('collector'), manifest.dist.output_path, manifest.dist.name)).toBe(BINARY_PATH);
  });
});

describe('otel-collector-config.yaml', () => {
  const pipelines = Object.entries(config.service.pipelines);

  it('defines every component a pipeline names, and our build has each of its types', () => {
    expect(pipelines.map(([name]) => name)).toEqual(['logs/otlp', 'logs/posfile']);
    const sections = [
      ['receivers', config.receivers, moduleTypes('receivers')],
      ['processors', config.processors, moduleTypes('processors')],
      ['exporters', config.exporters, moduleTypes('exporters')],
    ] as const;
    for (const [, pipeline] of pipelines) {
      for (const [kind, defined, built] of sections) {
        for (const id of pipeline[kind] ?? []) {
          expect(Object.keys(defined), `${kind}: ${id}`).toContain(id);
          expect(built, `${kind}: ${id}`).toContain(typeOf(id));
        }
      }
    }
    for (const id of config.service.extensions) {
      expect(Object.keys(config.extensions)).toContain(id);
      expect(moduleTypes('extensions')).toContain(typeOf(id));
    }
  });

  it('puts memory_limiter first in every pipeline', () => {
    for (const [name, pipeline] of pipelines) expect(pipeline.processors?.[0], name).toBe('memory_limiter');
  });

  it('exports protobuf in an encoding the receiver takes, retries for ever and queues on disk', () => {
    const exporter = config.exporters['otlp_http/stacklens']!;
    expect(exporter).toMatchObject({
      encoding: 'proto',
      retry_on_failure: { enabled: true, max_elapsed_time: 0 },
      sending_queue: { enabled: true, storage: 'file_storage' },
    });
    // The receiver takes gzip or nothing; any other Content-Encoding is a 415, which the exporter drops.
    expect(['none', 'gzip']).toContain(exporter.compression);
    expect(config.service.extensions).toContain('file_storage');
    expect(config.receivers['file_log/pos']).toMatchObject({ storage: 'file_storage' });
  });

  it('sends full batches under a backlog, which the receiver takes whole and never sheds', () => {
    const queue = config.exporters['otlp_http/stacklens']!.sending_queue as {
      num_consumers: number;
      batch: { sizer: string; min_size: number; max_size: number; flush_timeout: string };
    };
    const receiver = loadConfig({});
    expect(queue.batch.sizer).toBe('items');
    // The reader sends a batch as soon as it holds min_size records: below max_size, a backlog leaves in small requests.
    expect(queue.batch.min_size).toBe(queue.batch.max_size);
    expect(queue.batch.max_size).toBeGreaterThanOrEqual(10_000);
    // Every consumer's batch in flight at once still fits the receiver's queue (beyond it: 429) …
    expect(queue.num_consumers * queue.batch.max_size).toBeLessThanOrEqual(receiver.maxQueuedRows / 2);
    // … and a batch of records of 1 KiB each (POS records are ~180 bytes) its body limit (beyond it: 413, dropped).
    expect(queue.batch.max_size * 1024).toBeLessThan(receiver.maxBodyBytes);
  });

  it('reads the variables the issue names, with their defaults, and sends to the receiver’s default port', () => {
    const variables = collectorVariables(readText('otel-collector-config.yaml'));
    expect(Object.fromEntries(variables)).toMatchObject({
      STACKLENS_RECEIVER_URL: 'http://127.0.0.1:4318',
      COLLECTOR_OTLP_HTTP_PORT: '4318',
      COLLECTOR_OTLP_GRPC_PORT: '4317',
      COLLECTOR_HEALTH_PORT: '13133',
      COLLECTOR_STORAGE_DIR: './data/collector',
      POS_LOG_FILE: './data/pos.log',
      STACKLENS_INGEST_TOKEN: '',
    });
    expect(new URL(variables.get('STACKLENS_RECEIVER_URL')!).port).toBe(String(loadConfig({}).port));
  });

  it.runIf(existsSync(BINARY_PATH))('is valid for our build, whose components are exactly the manifest’s', () => {
    const storage = mkdtempSync(join(tmpdir(), 'collector-validate-'));
    try {
      const env = { ...process.env, COLLECTOR_STORAGE_DIR: storage, STACKLENS_INGEST_TOKEN: 'validate-ingest-token-0123456789' };
      execFileSync(BINARY_PATH, ['validate', '--config', CONFIG_PATH], { env });
      execFileSync(BINARY_PATH, ['validate', '--config', CONFIG_PATH, '--config', repoPath('otel-collector-ingest-auth.yaml')], { env });
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
    const listed = parse(execFileSync(BINARY_PATH, ['components']).toString()) as Record<string, Array<{ name: string }>>;
    for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
      expect(listed[kind]!.map(({ name }) => name).sort(), kind).toEqual(
        moduleTypes(kind)
          .filter((type) => !['filelog', 'otlphttp'].includes(type))
          .sort(),
      );
    }
  });
});

describe('otel-collector-ingest-auth.yaml', () => {
  it('puts one bearer-token authenticator, of a type our build has, on both OTLP protocols', () => {
    const [id, ...others] = Object.keys(ingestAuth.extensions);
    expect(others).toEqual([]);
    expect(moduleTypes('extensions')).toContain(typeOf(id!));
    expect(ingestAuth.extensions[id!]).toEqual({ scheme: 'Bearer', token: '${env:STACKLENS_INGEST_TOKEN}' });
    expect(Object.keys(ingestAuth.receivers.otlp.protocols).sort()).toEqual(
      Object.keys((config.receivers.otlp as IngestAuthOverlay['receivers']['otlp']).protocols).sort(),
    );
    for (const [protocol, settings] of Object.entries(ingestAuth.receivers.otlp.protocols)) {
      expect(settings.auth?.authenticator, protocol).toBe(id);
    }
  });

  it('keeps the base configuration’s extensions: merged configurations replace lists', () => {
    expect(ingestAuth.service.extensions).toEqual([...config.service.extensions, Object.keys(ingestAuth.extensions)[0]]);
  });

  it('takes the token the exporter sends on to the receiver', () => {
    const exporter = config.exporters['otlp_http/stacklens'] as { headers: Record<string, string> };
    expect(exporter.headers.Authorization).toBe('Bearer ${env:STACKLENS_INGEST_TOKEN:-}');
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, String(value)]));
}

function readsOf(folders: string[]): Set<string> {
  return new Set(environmentReads(sourceFiles(folders)).keys());
}

describe('docker-compose.yml', () => {
  it('runs ClickHouse, the Collector, the receiver, the POS and Grafana, with named volumes', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['clickhouse', 'collector', 'receiver', 'pos', 'grafana']));
    for (const [name, { volumes = [], depends_on = {} }] of Object.entries(compose.services)) {
      for (const volume of volumes) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.'))
          expect(existsSync(repoPath(source)) || source === './grafana-plugin/dist', `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
      }
      for (const dependency of Object.keys(depends_on)) expect(Object.keys(compose.services), name).toContain(dependency);
    }
  });

  it('health-checks every long-running service whose image can run a probe', () => {
    // The contrib Collector image holds the binary alone: no shell, no HTTP client to probe with.
    for (const name of ['clickhouse', 'receiver', 'pos', 'grafana']) expect(service(name).healthcheck, name).toBeDefined();
    expect(service('receiver').healthcheck!.test.join(' ')).toContain(`127.0.0.1:${env('receiver').RECEIVER_PORT}/health`);
    expect(service('pos').healthcheck!.test.join(' ')).toContain(`127.0.0.1:${env('pos').POS_PORT}/health`);
  });

  it('runs the contrib Collector of our build’s release on the same configuration file', () => {
    const collector = service('collector');
    expect(collector.image).toBe('otel/opentelemetry-collector-contrib:0.165.0');
    const configArgument = collector.command!.find((argument) => argument.startsWith('--config='))!.slice('--config='.length);
    expect(collector.volumes).toContain(`./otel-collector-config.yaml:${configArgument}:ro`);
    const variables = collectorVariables(readText('otel-collector-config.yaml'));
    // GOGC is read by the Go runtime itself, with the value our own launcher gives it.
    expect(env('collector').GOGC).toBe(COLLECTOR_GOGC);
    for (const key of Object.keys(env('collector')).filter((name) => name !== 'GOGC')) {
      expect([...variables.keys()], `collector: ${key}`).toContain(key);
    }
    // The persistent queue lives on a named volume, so a restarted container finds it.
    const storageVolume = collector.volumes!.find((volume) => volume.split(':')[1] === env('collector').COLLECTOR_STORAGE_DIR);
    expect(Object.keys(compose.volumes)).toContain(storageVolume?.split(':')[0]);
    const published = collector.ports!.map((port) => port.split(':').at(-1));
    expect(published).toEqual(
      expect.arrayContaining([
        env('collector').COLLECTOR_OTLP_HTTP_PORT,
        env('collector').COLLECTOR_OTLP_GRPC_PORT,
        env('collector').COLLECTOR_HEALTH_PORT,
      ]),
    );
  });

  it('wires POS → Collector → receiver → ClickHouse by service name and port', () => {
    expect(env('pos').OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://collector:${env('collector').COLLECTOR_OTLP_HTTP_PORT}`);
    expect(env('collector').STACKLENS_RECEIVER_URL).toBe(`http://receiver:${env('receiver').RECEIVER_PORT}`);
    expect(env('receiver').CLICKHOUSE_URL).toBe('http://clickhouse:8123');
    expect(env('traffic').POS_URL).toBe(`http://pos:${env('pos').POS_PORT}`);
    expect(service('receiver').ports).toContain(`127.0.0.1:${envExample.get('RECEIVER_PORT')}:${env('receiver').RECEIVER_PORT}`);
    expect(env('collector').POS_LOG_FILE?.startsWith('/var/log/stacklens/')).toBe(true);
    expect(service('pos').volumes).toContain('pos-logs:/var/log/stacklens');
    expect(service('collector').volumes).toContain('pos-logs:/var/log/stacklens:ro');
  });

  it('hands each service only variables its code reads', () => {
    const receiver = readsOf(['receiver/src', 'processor/src']);
    const pos = readsOf(['demo-pos/src', 'telemetry/src']);
    for (const key of Object.keys(env('receiver'))) expect(receiver.has(key), `receiver: ${key}`).toBe(true);
    for (const key of Object.keys(env('traffic'))) expect(pos.has(key), `traffic: ${key}`).toBe(true);
    // The OTel SDK reads the standard OTEL_* variables itself.
    for (const key of Object.keys(env('pos'))) expect(pos.has(key) || key.startsWith('OTEL_'), `pos: ${key}`).toBe(true);
    const provisioning = new Set(yamlFiles('grafana-plugin/provisioning').flatMap((file) => [...substitutedVariables(readText(file))]));
    for (const key of Object.keys(env('grafana'))) expect(key.startsWith('GF_') || provisioning.has(key), `grafana: ${key}`).toBe(true);
  });

  it('mounts the built Grafana app plugin and its provisioning, with the ClickHouse datasource installed', () => {
    const grafana = service('grafana');
    const pluginId = existsSync(repoPath('grafana-plugin/src/plugin.json'))
      ? (JSON.parse(readText('grafana-plugin/src/plugin.json')) as { id: string }).id
      : 'stacklens-stacklens-app';
    expect(pluginId).toBe('stacklens-stacklens-app');
    expect(grafana.volumes).toContain(`./grafana-plugin/dist:/var/lib/grafana/plugins/${pluginId}:ro`);
    expect(grafana.volumes).toContain('./grafana-plugin/provisioning:/etc/grafana/provisioning:ro');
    expect(env('grafana').GF_PLUGINS_PREINSTALL_SYNC?.split(',')).toContain('grafana-clickhouse-datasource');
    expect(env('grafana').GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS?.split(',')).toContain(pluginId);
  });
});

describe('docker-compose.yml: exposure', () => {
  it('publishes every port on STACKLENS_PUBLISH_ADDRESS, 127.0.0.1 unless told otherwise', () => {
    const raw = parse(readText('docker-compose.yml')) as ComposeFile;
    expect(envExample.get('STACKLENS_PUBLISH_ADDRESS')).toBe('127.0.0.1');
    for (const [name, { ports = [] }] of Object.entries(raw.services)) {
      for (const port of ports) expect(port, name).toMatch(/^\$\{STACKLENS_PUBLISH_ADDRESS:-127\.0\.0\.1\}:/);
    }
    for (const [name, { ports = [] }] of Object.entries(compose.services)) {
      for (const port of ports) expect(port.split(':')[0], name).toBe('127.0.0.1');
    }
    // ClickHouse is reached by the other containers only.
    expect(service('clickhouse').ports).toBeUndefined();
  });

  it('gives Grafana’s datasource the read-only ClickHouse user, never the receiver’s', () => {
    expect(env('grafana').CLICKHOUSE_USER).toBe(envExample.get('CLICKHOUSE_GRAFANA_USER'));
    expect(env('grafana').CLICKHOUSE_USER).not.toBe(env('receiver').CLICKHOUSE_USER);
    expect(env('grafana').CLICKHOUSE_PASSWORD).toBe(filledEnv.get('CLICKHOUSE_GRAFANA_PASSWORD'));
    expect(env('clickhouse')).toMatchObject({ CLICKHOUSE_GRAFANA_USER: env('grafana').CLICKHOUSE_USER });
    expect(service('clickhouse').volumes).toContain('./deploy/clickhouse-init:/docker-entrypoint-initdb.d:ro');
    const script = readText('deploy/clickhouse-init/10-grafana-reader.sh');
    expect(script).toMatch(/SETTINGS readonly = 1, max_execution_time CHANGEABLE_IN_READONLY/);
    expect(script).toMatch(/GRANT SELECT ON \$\{database\}\.\* TO \$\{reader\}/);
    expect(script).toContain(`database=${env('receiver').CLICKHOUSE_DATABASE}`);
  });

  it('puts the ingest token on the Collector’s OTLP receivers, and the POS sends it', () => {
    const collector = service('collector');
    const overlay = collector.command!.find((argument) => argument.includes('ingest-auth'))!.slice('--config='.length);
    expect(collector.volumes).toContain(`./otel-collector-ingest-auth.yaml:${overlay}:ro`);
    const token = env('receiver').STACKLENS_INGEST_TOKEN;
    expect(env('collector').STACKLENS_INGEST_TOKEN).toBe(token);
    expect(env('pos').OTEL_EXPORTER_OTLP_HEADERS).toBe(`Authorization=Bearer%20${token}`);
  });

  it('takes Grafana’s admin password from .env: no default', () => {
    expect(env('grafana').GF_SECURITY_ADMIN_PASSWORD).toBe(filledEnv.get('GRAFANA_ADMIN_PASSWORD'));
    expect(readText('docker-compose.yml')).toContain('GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?');
  });
});

describe('.env.example', () => {
  const substituted = substitutedVariables(readText('docker-compose.yml'));

  it('holds every variable docker-compose.yml substitutes, and nothing it does not', () => {
    expect(
      [...substituted].filter((name) => !envExample.has(name)),
      'missing from .env.example',
    ).toEqual([]);
    expect(
      [...envExample.keys()].filter((name) => !substituted.has(name)),
      'read by nothing',
    ).toEqual([]);
  });

  it('ships no working secret: compose refuses its empty passwords, saying how to make one', () => {
    for (const name of ['STACKLENS_VIEWER_TOKEN', 'STACKLENS_EDITOR_TOKEN', 'STACKLENS_ADMIN_TOKEN', 'STACKLENS_INGEST_TOKEN']) {
      const withoutThis = new Map([...filledEnv, [name, '']]);
      expect(() => interpolate(readText('docker-compose.yml'), withoutThis), name).toThrow(new RegExp(`${name}: set ${name} in .env`));
    }
    for (const name of REQUIRED_PASSWORDS) {
      expect(envExample.get(name), name).toBe('');
      const withoutThis = new Map([...filledEnv, [name, '']]);
      expect(() => interpolate(readText('docker-compose.yml'), withoutThis), name).toThrow(
        new RegExp(`${name}: set ${name} in .env \\(openssl rand`),
      );
    }
    expect(() => interpolate(readText('docker-compose.yml'), filledEnv)).not.toThrow();
  });

  it('has placeholders the receiver refuses, saying how to generate a token, for the four tokens', () => {
    for (const name of ['STACKLENS_VIEWER_TOKEN', 'STACKLENS_EDITOR_TOKEN', 'STACKLENS_ADMIN_TOKEN', 'STACKLENS_INGEST_TOKEN']) {
      expect(envExample.get(name), name).toMatch(/^replace-me/);
    }
    const example = Object.fromEntries(envExample);
    expect(() => loadApiTokens(example, '/nonexistent')).toThrow(ApiTokensError);
    expect(() => loadApiTokens(example, '/nonexistent')).toThrow(/placeholder of .env.example.*openssl rand -hex 24/);
    expect(() => loadConfig(example)).toThrow(ConfigError);
    expect(() => loadConfig(example)).toThrow(/STACKLENS_INGEST_TOKEN is the placeholder.*openssl rand -hex 24/);
    // The earlier example's tokens, still in some .env files, are refused too.
    expect(() =>
      loadApiTokens(
        {
          STACKLENS_VIEWER_TOKEN: 'change-me-viewer-token-0123456789',
          STACKLENS_EDITOR_TOKEN: 'change-me-editor-token-0123456789',
          STACKLENS_ADMIN_TOKEN: 'change-me-admin-token-0123456789',
        },
        '/nonexistent',
      ),
    ).toThrow(ApiTokensError);
  });
});

describe('the Dockerfiles', () => {
  const workspaces = (JSON.parse(readText('package.json')) as { workspaces: string[] }).workspaces;

  for (const name of ['receiver', 'pos', 'traffic']) {
    it(`build ${name}: multi-stage on Node 24, sources that exist, an unprivileged user`, () => {
      const { build } = service(name);
      const dockerfile = readText(build!.dockerfile);
      const stages = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
      expect(stages.length).toBeGreaterThan(1);
      for (const stage of stages) expect(stage).toMatch(/^FROM node:24[-\w.]*( AS \w+)?$/);
      const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(finalStage).toMatch(/\nUSER node\n/);
      // npm ci checks the lock against every workspace.
      for (const workspace of workspaces) expect(dockerfile, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
      for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
        for (const source of sources!.split(' ')) expect(existsSync(repoPath(source)), `${build!.dockerfile}: COPY ${source}`).toBe(true);
      }
      const command = service(name).command ?? (JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[]);
      expect(existsSync(repoPath(command[1]!)), command.join(' ')).toBe(true);
    });
  }

  it('leave dependencies, data and build output out of the build context', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'data', 'collector/dist', '.env']));
  });
});
