import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { errorMessage } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads data with an async function; reloads when deps change; ignores stale answers. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const [seenDeps, setSeenDeps] = useState(deps);
  if (seenDeps.length !== deps.length || deps.some((d, i) => !Object.is(d, seenDeps[i]))) {
    setSeenDeps(deps);
    setTick((n) => n + 1);
    setLoading(true);
  }
  const runLoad = useEffectEvent(() => load());

  useEffect(() => {
    let live = true;
    runLoad().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [tick]);

  const reload = useCallback(() => {
    setTick((n) => n + 1);
    setLoading(true);
  }, []);
  return { data, error, loading, reload };
}

/** A value that follows `value` after `delay` ms of quiet. */
export function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

export interface ConfirmAction {
  /** The confirm dialog is shown. */
  open: boolean;
  busy: boolean;
  error: string | null;
  /** Shows the dialog, without an error from an earlier try. */
  ask: () => void;
  cancel: () => void;
  /** Runs the confirmed work; a failure shows in `error` and leaves the dialog open. */
  run: (work: () => Promise<void>) => Promise<void>;
}

/** State for an action the user confirms in a dialog first (delete, archive). */
export function useConfirmAction(): ConfirmAction {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ask = useCallback(() => {
    setError(null);
    setOpen(true);
  }, []);
  const cancel = useCallback(() => setOpen(false), []);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { open, busy, error, ask, cancel, run };
}
