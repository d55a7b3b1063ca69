import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/ApiRequestError.ts';

export interface AsyncState<T> {
  value: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** The outcome of one load, tagged with the request it answers. */
interface Settled<T> {
  load: (() => Promise<T>) | undefined;
  reloads: number;
  value: T | undefined;
  error: string | undefined;
}

/**
 * Runs `load` on mount, whenever `load` changes and on reload(); a late answer of an older load is
 * dropped. Pass a stable function (module-level, or useCallback with its dependencies): a new
 * function is a new load. The last value stays until a newer load answers.
 */
export function useAsync<T>(load: () => Promise<T>): AsyncState<T> {
  const [reloads, setReloads] = useState(0);
  const [settled, setSettled] = useState<Settled<T>>({ load: undefined, reloads, value: undefined, error: undefined });

  useEffect(() => {
    let stale = false;
    load().then(
      (value) => {
        if (!stale) setSettled({ load, reloads, value, error: undefined });
      },
      (failure: unknown) => {
        if (!stale) setSettled((previous) => ({ load, reloads, value: previous.value, error: errorMessage(failure) }));
      },
    );
    return () => {
      stale = true;
    };
  }, [load, reloads]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);
  // Loading until the answer to the current request (this load, this many reloads) is in.
  const loading = settled.load !== load || settled.reloads !== reloads;
  return { value: settled.value, error: settled.error, loading, reload };
}
