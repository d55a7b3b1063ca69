import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/ApiRequestError.ts';
import { applyLiveEvent, mergeSnapshot, type IncidentRows } from '../live/incidentRows.ts';
import { useStackLens } from '../StackLensContext.tsx';
import type { LiveEvent } from '../types.ts';
import { useLiveFeed } from './useLiveFeed.ts';

/** The window over which the detection rate is counted. */
export const RATE_WINDOW_MS = 5 * 60_000;

export interface LiveIncidents {
  rows: IncidentRows;
  connection: ReturnType<typeof useLiveFeed>;
  /** Detected errors per minute over the last five minutes of live events. */
  detectedPerMinute: number;
  /** Bumped on every live event that may change the stats. */
  revision: number;
  error: string | undefined;
}

/** The incidents table's state: a REST snapshot, then every live event applied as it comes. */
export function useLiveIncidents(): LiveIncidents {
  const { api } = useStackLens();
  const [rows, setRows] = useState<IncidentRows>(new Map());
  const [error, setError] = useState<string>();
  const [revision, setRevision] = useState(0);
  const [detectedPerMinute, setDetectedPerMinute] = useState(0);
  const detections = useRef<Array<{ at: number; occurrences: number }>>([]);

  useEffect(() => {
    let cancelled = false;
    api.incidents().then(
      (page) => {
        if (cancelled) return;
        setRows((current) => mergeSnapshot(current, page.items));
        setError(undefined);
      },
      (failure: unknown) => {
        if (!cancelled) setError(`Could not load the incidents: ${errorMessage(failure)}`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  const onEvent = useCallback((event: LiveEvent, replayed: boolean) => {
    if (event.type === 'error.detected') {
      const now = Date.now();
      detections.current = [
        ...detections.current.filter((entry) => entry.at > now - RATE_WINDOW_MS),
        { at: event.at, occurrences: event.occurrences },
      ];
      setDetectedPerMinute(rate(detections.current, now));
      return;
    }
    setRows((current) => applyLiveEvent(current, event));
    if (!replayed) setRevision((value) => value + 1);
  }, []);

  const connection = useLiveFeed(onEvent);

  // The rate decays while nothing happens, so it is recounted every few seconds.
  useEffect(() => {
    const timer = setInterval(() => setDetectedPerMinute(rate(detections.current, Date.now())), 5_000);
    return () => clearInterval(timer);
  }, []);

  return { rows, connection, detectedPerMinute, revision, error };
}

function rate(entries: ReadonlyArray<{ at: number; occurrences: number }>, now: number): number {
  const total = entries.filter((entry) => entry.at > now - RATE_WINDOW_MS).reduce((sum, entry) => sum + entry.occurrences, 0);
  return total / (RATE_WINDOW_MS / 60_000);
}
