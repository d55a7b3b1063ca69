import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorProcess, type CollectorProcessOptions } from '../../src/CollectorProcess.ts';
import { freePort } from '@stacklens/test-support/network';

export interface CollectorPorts {
  otlpHttp: number;
  otlpGrpc: number;
  health: number;
}

/** A scratch folder for one test file: the receiver's store, the Collector's queue, log files. */
export function scratchDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `stacklens-collector-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function collectorPorts(): Promise<CollectorPorts> {
  return { otlpHttp: await freePort(), otlpGrpc: await freePort(), health: await freePort() };
}

/** The Collector on `ports`, exporting to `receiverUrl`, its queue and file offsets under `storageDir`. */
export function startTestCollector(
  ports: CollectorPorts,
  receiverUrl: string,
  storageDir: string,
  options: Omit<CollectorProcessOptions, 'env'> & { env?: Record<string, string> } = {},
): Promise<CollectorProcess> {
  return startCollector({
    ...options,
    env: {
      STACKLENS_RECEIVER_URL: receiverUrl,
      COLLECTOR_OTLP_HTTP_PORT: String(ports.otlpHttp),
      COLLECTOR_OTLP_GRPC_PORT: String(ports.otlpGrpc),
      COLLECTOR_HEALTH_PORT: String(ports.health),
      COLLECTOR_STORAGE_DIR: storageDir,
      // A file nobody writes: these tests feed the OTLP pipeline unless they say otherwise.
      POS_LOG_FILE: join(storageDir, 'no-pos.log'),
      ...options.env,
    },
  });
}
