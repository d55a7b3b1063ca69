import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/ApiRequestError.ts';

export interface AsyncState<T> {
  value: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a load when its dependencies change and on reload(); a late answer of an older load is dropped. */
export function useAsync<T>(load: () => Promise<T>, dependencies: ReadonlyArray<unknown>): AsyncState<T> {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    loader.current().then(
      (result) => {
        if (mine !== generation.current) return;
        setValue(result);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, dependencies);

  useEffect(() => {
    run();
    return () => {
      generation.current++;
    };
  }, [run]);

  return { value, error, loading, reload: run };
}
