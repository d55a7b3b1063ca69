import { context, diag, logs, propagation, trace } from '@opentelemetry/api';
import type { LoggerProvider, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

interface Providers {
  loggerProvider: LoggerProvider;
  tracerProvider: TracerProvider;
}

/**
 * Registers our providers as the process-wide OpenTelemetry globals so third-party
 * instrumentation finds them, and returns the undo. A global that another SDK already owns
 * is left to it (with a diag warning): our logger and tracer keep working through their own
 * providers, and shutdown only unregisters what we registered.
 */
export function registerGlobals({ loggerProvider, tracerProvider }: Providers): () => void {
  const undo: (() => void)[] = [];
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (context.setGlobalContextManager(contextManager)) undo.push(() => context.disable());
  else keepForeign('context manager', () => contextManager.disable());
  if (trace.setGlobalTracerProvider(tracerProvider)) undo.push(() => trace.disable());
  else keepForeign('tracer provider');
  if (logs.setGlobalLoggerProvider(loggerProvider)) undo.push(() => logs.disable());
  else keepForeign('logger provider');
  // The spec's default OTEL_PROPAGATORS: W3C trace context and baggage.
  const propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  if (propagation.setGlobalPropagator(propagator)) undo.push(() => propagation.disable());
  else keepForeign('propagator');
  return () => {
    for (const step of undo.reverse()) step();
  };
}

function keepForeign(what: string, discardOurs?: () => void): void {
  discardOurs?.();
  diag.warn(`@stacklens/telemetry: a global OpenTelemetry ${what} is already registered; keeping it.`);
}
