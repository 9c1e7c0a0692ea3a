import { useCallback, useEffect, useState } from "preact/hooks";

/** How long typing must pause before a search box asks the API (a request per pause, not per key). */
export const TYPING_PAUSE_MS = 300;

/**
 * `value` once it has stopped changing for `ms` (what a search-as-you-type box sends), and a function that takes
 * it at once (Enter in the box).
 */
export function useSettled<T>(value: T, ms: number = TYPING_PAUSE_MS): [T, () => void] {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  const now = useCallback(() => setSettled(value), [value]);
  return [settled, now];
}
