/** The signals an orchestrator (SIGTERM) or a terminal (SIGINT) uses to ask for a stop. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Upper bound on the flush a signal triggers: well inside Kubernetes' default 30 s grace
 * period, so a hung collector cannot turn a stop request into a SIGKILL.
 */
export const SIGNAL_FLUSH_GRACE_MILLIS = 10_000;

/**
 * On SIGTERM or SIGINT: run `flushAndShutdown` (bounded by the grace period), then end the
 * process the way the signal would have. When the host application listens to that signal
 * too, the host owns the exit decision and we only flush. Returns the function that removes
 * the listeners again.
 */
export function installShutdownHooks(flushAndShutdown: () => Promise<void>, graceMillis: number = SIGNAL_FLUSH_GRACE_MILLIS): () => void {
  const remove = (): void => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  };
  const onSignal = (signal: ShutdownSignal): void => {
    // Removed first, so a second Ctrl-C during a slow flush still kills at once.
    remove();
    // Decided when the signal arrives: a host listening at that moment owns the exit.
    const hostHandlesSignal = process.listenerCount(signal) > 0;
    void settleWithin(flushAndShutdown(), graceMillis).then(() => {
      if (!hostHandlesSignal) reraise(signal);
    });
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return remove;
}

/**
 * With no listener left, re-sending the signal gets Node's default action, so the process
 * ends "killed by SIGTERM" (exit status 143 in a shell, 130 for SIGINT) exactly as it would
 * have without us, rather than with an exit code we invented.
 */
function reraise(signal: ShutdownSignal): void {
  process.kill(process.pid, signal);
}

async function settleWithin(work: Promise<void>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, millis);
  });
  try {
    await Promise.race([work.catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The batch timer is unref'd, so a script that logs and simply ends would exit with its last
 * records still buffered. 'beforeExit' fires exactly then (the event loop is empty); a flush
 * keeps the process alive until the records are out. Flush rather than shut down: a host that
 * revives the loop from its own 'beforeExit' listener can go on logging. Returns the undo.
 */
export function installExitFlush(flush: () => Promise<void>): () => void {
  const onBeforeExit = (): void => void flush();
  process.on('beforeExit', onBeforeExit);
  return () => {
    process.off('beforeExit', onBeforeExit);
  };
}
