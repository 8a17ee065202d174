import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, getIfChanged, type ErrorMessage } from './api.js';

/** How often a visible page asks again; a hidden tab does not ask at all. */
export const POLL_MS = 2000;

export interface Polled<T> {
  data?: T;
  error?: ErrorMessage;
  /** The Link header's next page, when the list has one. */
  next: string | null;
  /** Asks at once (after an action), then goes on polling. */
  refresh(): void;
}

/**
 * Reads `path` and asks again every POLL_MS while the tab is visible, with If-None-Match: the
 * service answers 304 while nothing changed, so a still page costs neither transfer nor
 * rendering. `null` reads nothing.
 */
export function usePoll<T>(path: string | null, intervalMs = POLL_MS): Polled<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: ErrorMessage; next: string | null }>({ path, next: null });
  const etag = useRef<string | null>(null);
  const wake = useRef<() => void>(() => undefined);

  useEffect(() => {
    etag.current = null;
    setState({ path, next: null });
    if (path === null) return;
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      window.clearTimeout(timer);
      try {
        const fetched = await getIfChanged<T>(path, etag.current);
        if (stopped) return;
        if (fetched.changed) {
          etag.current = fetched.etag;
          setState({ path, data: fetched.body, next: fetched.next });
        } else {
          setState((previous) => (previous.error ? { ...previous, error: undefined } : previous));
        }
      } catch (error) {
        if (stopped) return;
        const body = error instanceof ApiFailure ? error.body : { status: 0, code: 'network', message: 'The service could not be reached; trying again.' };
        setState((previous) => ({ ...previous, error: body }));
      }
      if (!stopped && document.visibilityState === 'visible') timer = window.setTimeout(tick, intervalMs);
    };
    const onVisibility = () => { if (document.visibilityState === 'visible') void tick(); };
    wake.current = () => void tick();
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [path, intervalMs]);

  const refresh = useCallback(() => wake.current(), []);
  // A result of the previous path is not shown for the new one.
  return state.path === path ? { data: state.data, error: state.error, next: state.next, refresh } : { next: null, refresh };
}
