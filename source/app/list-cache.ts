import type {Services} from '../domain/services';

/**
 * The lists the wizard has loaded this session (subscriptions, the workspaces of a subscription,
 * the endpoints of a workspace), so going back and forth shows them at once instead of fetching
 * them again. Only a reload (ctrl+r) fetches a list again, and what changes a list drops it:
 * signing in (another identity sees other subscriptions) drops all, creating an endpoint or
 * changing its auth mode drops the endpoint lists. Lives as long as the wizard; nothing on disk.
 */
export interface ListCache {
  get<V>(key: string): readonly V[] | undefined;
  set<V>(key: string, values: readonly V[]): void;
  /** Drops every list whose key starts with `prefix` (all with ''). */
  forget(prefix: string): void;
}

export function createListCache(): ListCache {
  const lists = new Map<string, readonly unknown[]>();
  return {
    get: <V>(key: string) => lists.get(key) as readonly V[] | undefined,
    set: (key, values) => void lists.set(key, values),
    forget(prefix) {
      for (const key of [...lists.keys()]) if (key.startsWith(prefix)) lists.delete(key);
    },
  };
}

export const listKeys = {
  subscriptions: 'subscriptions',
  workspaces: (subscriptionId: string) => `workspaces:${subscriptionId.toLowerCase()}`,
  endpoints: (workspaceId: string) => `endpoints:${workspaceId.toLowerCase()}`,
};

/** Which Services calls change which lists: after one ends (done or not), those are dropped. */
const CHANGES: Partial<Record<keyof Services, string>> = {
  signIn: '',
  createEndpoint: 'endpoints:',
  setAuthMode: 'endpoints:',
};

/** The Services, with the lists a call changes dropped from `cache` when it ends. */
export function droppingChangedLists(services: Services, cache: ListCache): Services {
  return new Proxy(services, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const prefix = typeof prop === 'string' ? CHANGES[prop as keyof Services] : undefined;
      if (prefix === undefined || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          cache.forget(prefix);
        }
      };
    },
  });
}
