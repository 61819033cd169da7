import {describe, expect, it} from 'vitest';
import {
  initialRemoteList,
  pendingWork,
  remoteListReducer,
  type RemoteListState,
} from '../../source/app/components/remote-list/state';
import {createListCache, droppingChangedLists, listKeys} from '../../source/app/list-cache';
import type {Services} from '../../source/domain/services';
import type {AppError} from '../../source/domain/types';

const error: AppError = {kind: 'network', title: 'no', detail: 'no', nextSteps: []};

describe('a remote list that streams pages', () => {
  it('shows the rows of each page as they come, and is done when the last is in', () => {
    let s: RemoteListState<number> = initialRemoteList<number>();
    expect(s).toEqual({mode: 'loading', work: {id: 1}});
    expect(pendingWork(s)).toEqual({id: 1});
    s = remoteListReducer(s, {type: 'page', id: 1, values: [1, 2]});
    expect(s).toEqual({mode: 'ready', values: [1, 2], work: {id: 1}, more: true});
    // Still work to do: the same work (same id), so it is not started again.
    expect(pendingWork(s)).toEqual({id: 1});
    s = remoteListReducer(s, {type: 'page', id: 1, values: [1, 2, 3]});
    s = remoteListReducer(s, {type: 'loaded', id: 1, values: [1, 2, 3]});
    expect(s).toEqual({mode: 'ready', values: [1, 2, 3], work: {id: 1}});
    expect(pendingWork(s)).toBeUndefined();
  });

  it('drops pages of work a reload replaced, and pages after the list is complete or failed', () => {
    let s = remoteListReducer(initialRemoteList<number>(), {type: 'page', id: 1, values: [1]});
    s = remoteListReducer(s, {type: 'reload'});
    expect(s).toEqual({mode: 'loading', work: {id: 2}});
    expect(remoteListReducer(s, {type: 'page', id: 1, values: [9]})).toBe(s);
    const done = remoteListReducer(s, {type: 'loaded', id: 2, values: [4]});
    expect(remoteListReducer(done, {type: 'page', id: 2, values: [4, 5]})).toBe(done);
    const failed = remoteListReducer(s, {type: 'failed', id: 2, error});
    expect(remoteListReducer(failed, {type: 'page', id: 2, values: [4]})).toBe(failed);
  });

  it('opens ready with no work when the session has the list; a reload is new work', () => {
    const s = initialRemoteList([7, 8]);
    expect(s).toEqual({mode: 'ready', values: [7, 8], work: {id: 0}});
    expect(pendingWork(s)).toBeUndefined();
    const reloading = remoteListReducer(s, {type: 'reload'});
    expect(pendingWork(reloading)).toEqual({id: 1});
  });
});

describe('the session list cache', () => {
  it('keeps lists by key and forgets by prefix', () => {
    const cache = createListCache();
    cache.set(listKeys.subscriptions, ['a']);
    cache.set(listKeys.workspaces('SUB'), ['w']);
    cache.set(listKeys.endpoints('/subscriptions/s/ws/A'), ['e']);
    cache.set(listKeys.endpoints('/subscriptions/s/ws/B'), ['f']);
    // Resource IDs and subscription IDs compare without case, as Azure does.
    expect(cache.get(listKeys.workspaces('sub'))).toEqual(['w']);
    cache.forget('endpoints:');
    expect(cache.get(listKeys.endpoints('/subscriptions/s/ws/a'))).toBeUndefined();
    expect(cache.get(listKeys.endpoints('/subscriptions/s/ws/b'))).toBeUndefined();
    expect(cache.get(listKeys.subscriptions)).toEqual(['a']);
    cache.forget('');
    expect(cache.get(listKeys.subscriptions)).toBeUndefined();
  });

  it('drops what a call changes when it ends, done or failed; other calls pass through', async () => {
    const cache = createListCache();
    const fill = () => {
      cache.set(listKeys.subscriptions, ['s']);
      cache.set(listKeys.endpoints('ws'), ['e']);
    };
    const calls: string[] = [];
    const fake = {
      signIn: () => {
        // The lists are still there while the call runs.
        calls.push(`signIn:${cache.get(listKeys.subscriptions)?.length ?? 0}`);
        return Promise.resolve({identity: {}});
      },
      createEndpoint: () => Promise.reject(new Error('refused')),
      setAuthMode: () => Promise.resolve({}),
      listKeys: () => Promise.resolve({primaryKey: 'k', secondaryKey: 'k2'}),
    } as unknown as Services;
    const services = droppingChangedLists(fake, cache);

    fill();
    await services.listKeys({} as never);
    expect(cache.get(listKeys.endpoints('ws'))).toEqual(['e']);

    await expect(services.createEndpoint({} as never, {} as never, () => {})).rejects.toThrow(
      'refused',
    );
    expect(cache.get(listKeys.endpoints('ws'))).toBeUndefined();
    expect(cache.get(listKeys.subscriptions)).toEqual(['s']);

    fill();
    await services.setAuthMode({} as never, 'key', () => {});
    expect(cache.get(listKeys.endpoints('ws'))).toBeUndefined();

    fill();
    await services.signIn('device-code', {}, {});
    expect(calls).toEqual(['signIn:1']);
    expect(cache.get(listKeys.subscriptions)).toBeUndefined();
  });
});
