import { GatewayCache } from './GatewayCache.ts';
import type { JiraGatewayOptions } from './JiraGateway.ts';
import { SOLE_LEASE, type OutboxLease } from './outbox.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './OutboxWorker.ts';
import type { TicketContext } from './TicketContext.ts';
import { TicketStage, type TicketStageOptions } from './TicketStage.ts';
import { TicketStatusSync, type TicketStatusSyncOptions } from './TicketStatusSync.ts';

export interface TicketingOptions {
  stage?: Omit<TicketStageOptions, 'onQueued'>;
  worker?: Omit<OutboxWorkerOptions, 'onFinished'>;
  sync?: TicketStatusSyncOptions;
  gateway?: JiraGatewayOptions;
  /** Which receiver works the outbox [SOLE_LEASE: this one]. */
  lease?: OutboxLease;
}

/** The ticket stage, its outbox worker and the status sync, wired to one context. */
export interface Ticketing {
  stage: TicketStage;
  worker: OutboxWorker;
  sync: TicketStatusSync;
  gateways: GatewayCache;
  start(): void;
  /** Stops the worker and the poll, after the stage's queued work. */
  close(): Promise<void>;
}

export function createTicketing(base: TicketContext, options: TicketingOptions = {}): Ticketing {
  const lease = options.lease ?? SOLE_LEASE;
  const gateways = new GatewayCache(options.gateway);
  // The stage hears every change of this receiver's incidents, so its snapshot is the freshest.
  const context: TicketContext = {
    ...base,
    incidentFor: async (id) => stage.snapshot(id) ?? base.incidentFor(id),
  };
  const worker: OutboxWorker = new OutboxWorker(context, gateways, lease, {
    ...options.worker,
    callTimeoutMs: options.worker?.callTimeoutMs ?? options.gateway?.timeoutMs,
    onFinished: (job, outcome) => stage.jobFinished(job, outcome?.link),
  });
  const stage: TicketStage = new TicketStage(context, { ...options.stage, onQueued: () => worker.wake() });
  const sync = new TicketStatusSync(context, gateways, lease, options.sync);
  return {
    stage,
    worker,
    sync,
    gateways,
    start() {
      worker.start();
      sync.start();
    },
    async close() {
      await stage.settle();
      await Promise.all([worker.close(), sync.close()]);
    },
  };
}
