import {useSyncExternalStore} from 'react';

/**
 * One ticker for every countdown on screen: it fires once a second while at least one component
 * listens and stops when the last one unmounts (the screen was left). Only the components that
 * call `useNow()` re-render on a tick.
 */
const listeners = new Set<() => void>();
let timer: NodeJS.Timeout | undefined;
let now = Date.now();
/** Tests replace the clock source. */
let source: () => number = Date.now;

function tick() {
  now = source();
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = source();
    timer = setInterval(tick, 1000);
    timer.unref?.();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/**
 * What `select` makes of the shared clock, re-rendering only when that changes: a countdown
 * showing minutes draws one frame a minute, not one a second (each frame drawn also holds back,
 * for Ink's frame interval, the next keystroke's).
 */
export function useNowAs<T extends string | number | boolean>(select: (now: number) => T): T {
  return useSyncExternalStore(subscribe, () => select(now));
}

/** For tests: how many components listen, and whether the ticker runs. */
export const tickerState = () => ({listeners: listeners.size, running: timer !== undefined});

/** For tests: drive the ticker from a fake clock. */
export function setClockSource(fn: () => number): void {
  source = fn;
  tick();
}
