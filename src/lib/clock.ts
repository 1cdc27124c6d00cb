/**
 * The time for what depends on "today": the analytics' last 30 days, and the bounds a
 * device's X-Captured-At is kept within. Tests set it, so no test depends on the day it
 * runs; everything else reads the real clock.
 */
let current: () => Date = () => new Date();

export const now = (): Date => current();

/** Sets the clock to `clock` and returns how to put the real one back. */
export function setClock(clock: () => Date): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
