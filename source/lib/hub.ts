/** A minimal publish/subscribe point: listeners added later get only later events. */
export interface Hub<T> {
  emit(value: T): void;
  /** Returns the function that removes the listener. */
  subscribe(listener: (value: T) => void): () => void;
}

export function createHub<T>(): Hub<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    emit(value) {
      for (const listener of [...listeners]) listener(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
