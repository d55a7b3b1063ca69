import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/ApiRequestError.ts';
import { applyLiveEvent, mergeSnapshot, type IncidentRows } from '../live/incidentRows.ts';
import { useStackLens } from '../StackLensContext.tsx';
import type { LiveEvent } from '../types.ts';
import { useLiveFeed } from './useLiveFeed.ts';

/** The window over which the detection rate is counted. */
export const RATE_WINDOW_MS = 5 * 60_000;

/** While a search is active and live events arrive, the receiver is asked again at most this often. */
export const SEARCH_REFRESH_MS = 2_000;

/** The receiver's answer to a search: the incidents whose text (samples included) holds it. */
export interface SearchMatches {
  text: string;
  ids: ReadonlySet<string>;
  total: number;
}

export interface LiveIncidents {
  rows: IncidentRows;
  connection: ReturnType<typeof useLiveFeed>;
  /** Detected errors per minute over the last five minutes of live events. */
  detectedPerMinute: number;
  /** Bumped on every live event that may change the stats. */
  revision: number;
  error: string | undefined;
  /** The receiver's matches for `search` (undefined until it answered for this text, or without a search). */
  matches: SearchMatches | undefined;
  searchError: string | undefined;
}

/**
 * The incidents table's state: a REST snapshot, then every live event applied as it comes. With
 * a `search` (already debounced), the receiver is asked which incidents hold the text
 * (`/api/incidents?text=`, which reads the samples' raw messages and attributes too); the
 * incidents it returns join the rows, and it is asked again while live events change them.
 */
export function useLiveIncidents(search = ''): LiveIncidents {
  const { api } = useStackLens();
  const [rows, setRows] = useState<IncidentRows>(new Map());
  const [error, setError] = useState<string>();
  const [revision, setRevision] = useState(0);
  const [detectedPerMinute, setDetectedPerMinute] = useState(0);
  const detections = useRef<Array<{ at: number; occurrences: number }>>([]);
  const [matches, setMatches] = useState<SearchMatches>();
  const [searchError, setSearchError] = useState<string>();
  const lastSearch = useRef({ text: '', at: 0 });
  /** A complete snapshot, once one answered: a replayed event from before it, of an incident it does not list, is stale. */
  const snapshot = useRef<{ requestedAt: number; ids: ReadonlySet<string> }>(undefined);
  /**
   * Incidents the feed said were merged away, with when this page heard it: an answer to a
   * snapshot or a search asked before then may still list them, and must not bring them back.
   */
  const mergedAway = useRef(new Map<string, number>());
  const current = useCallback(
    <T extends { id: string }>(items: readonly T[], requestedAt: number): T[] =>
      items.filter((item) => (mergedAway.current.get(item.id) ?? -Infinity) < requestedAt),
    [],
  );

  useEffect(() => {
    let cancelled = false;
    const requestedAt = Date.now();
    api.incidents().then(
      (page) => {
        if (cancelled) return;
        const complete = page.items.length >= page.total;
        if (complete) snapshot.current = { requestedAt, ids: new Set(page.items.map((item) => item.id)) };
        const items = current(page.items, requestedAt);
        setRows((rows) => mergeSnapshot(rows, items, complete));
        setError(undefined);
      },
      (failure: unknown) => {
        if (!cancelled) setError(`Could not load the incidents: ${errorMessage(failure)}`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, current]);

  // The search runs when its text changes, and again (throttled) when live events change the rows,
  // so an incident that starts to match appears and the matches stay the receiver's.
  useEffect(() => {
    if (search === '') return;
    let cancelled = false;
    // A new text is asked at once (the page debounced the typing); the same text again at most every SEARCH_REFRESH_MS.
    const previous = lastSearch.current;
    const delay = previous.text === search ? Math.max(0, previous.at + SEARCH_REFRESH_MS - Date.now()) : 0;
    const timer = setTimeout(() => {
      const requestedAt = Date.now();
      lastSearch.current = { text: search, at: requestedAt };
      api.incidents({ text: search }).then(
        (page) => {
          if (cancelled) return;
          const items = current(page.items, requestedAt);
          setRows((rows) => mergeSnapshot(rows, items));
          setMatches({ text: search, ids: new Set(items.map((item) => item.id)), total: page.total });
          setSearchError(undefined);
        },
        (failure: unknown) => {
          if (!cancelled) setSearchError(`Could not search the receiver: ${errorMessage(failure)}`);
        },
      );
    }, delay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, search, revision, current]);

  const onEvent = useCallback((event: LiveEvent, replayed: boolean) => {
    if (event.type === 'error.detected') {
      const now = Date.now();
      detections.current = [
        ...detections.current.filter((entry) => entry.at > now - RATE_WINDOW_MS),
        { at: event.at, occurrences: event.occurrences },
      ];
      setDetectedPerMinute(rate(detections.current, now));
      // Its message becomes the row's example.
      setRows((current) => applyLiveEvent(current, event));
      return;
    }
    // The backfill replays what happened before this page connected; an incident a later complete
    // snapshot does not list was merged away (or expired): its replayed events must not bring it
    // back. (A reconnection's backfill also replays incidents made while disconnected: after the snapshot.)
    const known = snapshot.current;
    if (replayed && known && event.at < known.requestedAt && !known.ids.has(event.incident.id)) return;
    if (event.type === 'incident.merged') mergedAway.current.set(event.incident.id, Date.now());
    if (event.type === 'incident.unmerged') mergedAway.current.delete(event.incident.id);
    setRows((current) => applyLiveEvent(current, event, replayed));
    if (!replayed) setRevision((value) => value + 1);
  }, []);

  const connection = useLiveFeed(onEvent);

  // The rate decays while nothing happens, so it is recounted every few seconds.
  useEffect(() => {
    const timer = setInterval(() => setDetectedPerMinute(rate(detections.current, Date.now())), 5_000);
    return () => clearInterval(timer);
  }, []);

  return {
    rows,
    connection,
    detectedPerMinute,
    revision,
    error,
    matches: search !== '' && matches?.text === search ? matches : undefined,
    searchError: search === '' ? undefined : searchError,
  };
}

function rate(entries: ReadonlyArray<{ at: number; occurrences: number }>, now: number): number {
  const total = entries.filter((entry) => entry.at > now - RATE_WINDOW_MS).reduce((sum, entry) => sum + entry.occurrences, 0);
  return total / (RATE_WINDOW_MS / 60_000);
}
