import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {keysOf} from '../../source/app/hooks/key-chunks';
import type {AppError, ScoringCredential} from '../../source/domain/types';
import {
  autoRefreshAt,
  credentialsReducer,
  currentCredential,
  fetching,
  initialCredentials,
  type CredentialsAction,
  type CredentialsState,
} from '../../source/app/wizard/steps/credentials/state';
import {
  initialInvoke,
  invokeReducer,
  type InvokeAction,
  type InvokeState,
} from '../../source/app/wizard/steps/invoke/state';

// The credentials and invoke screens as pure reducers: a burst of keys is a sequence of actions,
// each applied to the state the previous one left.

const now = 1_000_000;
const error: AppError = {title: 'Boom', detail: 'it broke', nextSteps: [], kind: 'unknown'};
const keys = {primaryKey: 'pk-1', secondaryKey: 'sk-1'};
const token = (patch: Partial<ScoringCredential> = {}): ScoringCredential => ({
  kind: 'aml_token',
  value: 'tok',
  expiresOn: now + 90_000,
  refreshAfter: now + 45_000,
  ...patch,
});

const creds = (state: CredentialsState, ...actions: CredentialsAction[]) =>
  actions.reduce(credentialsReducer, state);
const inv = (state: InvokeState, ...actions: InvokeAction[]) =>
  actions.reduce(invokeReducer, state);

describe('credentials screen', () => {
  const keyScreen = () =>
    creds(initialCredentials({authMode: 'key', now}), {type: 'keysListed', id: 1, keys});

  it('lists the keys as it opens; a result of replaced work is dropped', () => {
    const s = initialCredentials({authMode: 'key', now});
    expect(s.mode).toBe('viewing');
    expect(s.work).toEqual({id: 1, kind: 'listKeys'});
    expect(fetching(s)).toBe(true);
    expect(currentCredential(s)).toBeUndefined();
    expect(creds(s, {type: 'keysListed', id: 7, keys})).toBe(s);
    const listed = keyScreen();
    expect(listed.work).toBeUndefined();
    expect(currentCredential(listed)).toEqual({kind: 'key', value: 'pk-1', which: 'primary'});
    expect(creds(s, {type: 'failed', id: 1, error}).error).toBe(error);
  });

  it('fetches a token as it opens, unless the session has a usable one of this kind', () => {
    const fresh = initialCredentials({authMode: 'aml_token', now});
    expect(fresh.work).toMatchObject({kind: 'token'});
    const reused = initialCredentials({authMode: 'aml_token', cached: token(), now});
    expect(reused.work).toBeUndefined();
    expect(currentCredential(reused)?.value).toBe('tok');
    const otherKind = initialCredentials({
      authMode: 'aad_token',
      cached: token(),
      now,
    });
    expect(otherKind.work).toMatchObject({kind: 'token'});
    expect(otherKind.token).toBeUndefined();
    const expired = initialCredentials({
      authMode: 'aml_token',
      cached: token({expiresOn: now - 1}),
      now,
    });
    expect(expired.work).toMatchObject({kind: 'token'});
  });

  it('↓↓ in one burst comes back to the primary key; ↓ alone shows the secondary', () => {
    expect(currentCredential(creds(keyScreen(), {type: 'otherKey'}))?.value).toBe('sk-1');
    const twice = creds(keyScreen(), {type: 'otherKey'}, {type: 'otherKey'});
    expect(twice.which).toBe('primary');
  });

  it('g y in one burst regenerates the highlighted key; the new key is marked', () => {
    const s = creds(keyScreen(), {type: 'otherKey'}, {type: 'askRegenerate'});
    expect(s.mode).toBe('confirmingRegen');
    const started = creds(s, {type: 'confirm'});
    expect(started.mode).toBe('viewing');
    expect(started.work).toMatchObject({kind: 'regenerate', which: 'secondary'});
    expect(started.regenerating).toEqual({which: 'secondary', elapsedMs: 0});
    const id = started.work!.id;
    // Moving while it runs does not change which key is regenerated.
    const moved = creds(started, {type: 'otherKey'}, {type: 'regenProgress', id, elapsedMs: 1500});
    expect(moved.regenerating).toEqual({which: 'secondary', elapsedMs: 1500});
    expect(creds(moved, {type: 'askRegenerate'}).mode).toBe('viewing');
    const done = creds(moved, {
      type: 'regenerated',
      id,
      which: 'secondary',
      keys: {primaryKey: 'pk-1', secondaryKey: 'sk-2'},
    });
    expect(done.changed).toBe('secondary');
    expect(done.regenerating).toBeUndefined();
    expect(done.keys?.secondaryKey).toBe('sk-2');
  });

  it('r reads the keys again: after a failed read, and to see a key regenerated elsewhere', () => {
    const s = initialCredentials({authMode: 'key', now});
    const failed = creds(s, {type: 'failed', id: s.work!.id, error});
    expect(failed.error).toBe(error);
    const retry = creds(failed, {type: 'refresh'});
    expect(retry.work).toMatchObject({kind: 'listKeys', id: s.work!.id + 1});
    const listed = creds(retry, {type: 'keysListed', id: retry.work!.id, keys});
    expect(listed.error).toBeUndefined();
    expect(listed.mode === 'viewing' && listed.note).toBe('Keys read again.');
    expect(currentCredential(listed)?.value).toBe('pk-1');
    // Not while a key is being regenerated (its own read of the keys follows).
    const regen = creds(listed, {type: 'askRegenerate'}, {type: 'confirm'});
    expect(creds(regen, {type: 'refresh'})).toBe(regen);
  });

  it('n or esc keeps the key; a failed regeneration shows its error', () => {
    const asking = creds(keyScreen(), {type: 'askRegenerate'});
    expect(creds(asking, {type: 'cancel'}).mode).toBe('viewing');
    expect(creds(asking, {type: 'refresh'})).toBe(asking);
    const started = creds(asking, {type: 'confirm'});
    const failed = creds(started, {type: 'regenFailed', id: started.work!.id, error});
    expect(failed.regenError).toBe(error);
    expect(failed.regenerating).toBeUndefined();
  });

  it('toggles reveal, export and auto-refresh; the note belongs to viewing', () => {
    const s = creds(
      initialCredentials({authMode: 'aml_token', cached: token(), now}),
      {type: 'toggleReveal'},
      {type: 'toggleExport'},
      {type: 'toggleAutoRefresh'},
      {type: 'noted', note: 'Copied.'},
    );
    expect(s).toMatchObject({revealed: true, showExport: true, autoRefresh: false});
    expect(s.mode === 'viewing' && s.note).toBe('Copied.');
    expect(autoRefreshAt(s)).toBeUndefined();
    const keyed = creds(keyScreen(), {type: 'noted', note: 'Copied.'}, {type: 'askRegenerate'});
    expect('note' in keyed).toBe(false);
    expect(creds(keyed, {type: 'noted', note: 'late'})).toBe(keyed);
    expect(creds(keyed, {type: 'cancel'})).toMatchObject({mode: 'viewing', note: undefined});
    // Keys have no auto-refresh.
    expect(creds(keyScreen(), {type: 'toggleAutoRefresh'}).autoRefresh).toBe(true);
  });

  it('at refresh-after, puts refresh work in the state, once, and notes it when it arrives', () => {
    const s = initialCredentials({authMode: 'aml_token', cached: token(), now});
    expect(autoRefreshAt(s)).toBe(now + 45_000);
    const due = creds(s, {type: 'due', at: now + 45_000});
    expect(due.work).toMatchObject({kind: 'token'});
    expect(due.work?.kind === 'token' && due.work.reason).toMatch(
      /^Refreshed automatically at .* \(refresh-after passed\)\.$/,
    );
    // Already refreshing: a second due moment is answered by the same work.
    expect(creds(due, {type: 'due', at: now + 46_000})).toBe(due);
    const fetched = creds(due, {
      type: 'tokenFetched',
      id: due.work!.id,
      credential: token({value: 'tok-2', refreshAfter: now + 90_000}),
      at: now + 45_500,
    });
    expect(fetched.token?.value).toBe('tok-2');
    expect(fetched.issuedAt).toBe(now + 45_500);
    expect(fetched.mode === 'viewing' && fetched.note).toMatch(/Refreshed automatically/);
    expect(autoRefreshAt(fetched)).toBe(now + 90_000);
    // Turned off: the due moment is ignored.
    const off = creds(s, {type: 'toggleAutoRefresh'});
    expect(creds(off, {type: 'due', at: now + 45_000})).toBe(off);
  });

  it('r fetches a fresh token now, replacing work in flight; its failure keeps the token shown', () => {
    const s = initialCredentials({authMode: 'aml_token', now});
    const first = s.work!.id;
    const r = creds(s, {type: 'refresh'}, {type: 'refresh'});
    expect(r.work!.id).toBe(first + 2);
    expect(creds(r, {type: 'tokenFetched', id: first, credential: token(), at: now})).toBe(r);
    const shown = creds(r, {type: 'tokenFetched', id: r.work!.id, credential: token(), at: now});
    expect(shown.mode === 'viewing' && shown.note).toBe('Refreshed.');
    const again = creds(shown, {type: 'refresh'});
    const failed = creds(again, {type: 'failed', id: again.work!.id, error});
    expect(failed.error).toBe(error);
    expect(currentCredential(failed)?.value).toBe('tok');
  });
});

describe('invoke screen', () => {
  const open = () => initialInvoke({file: 'req.json'});
  const sent = (s: InvokeState) =>
    inv(s, {
      type: 'sent',
      id: s.work!.id,
      credential: {kind: 'key', value: 'pk-1'},
      results: [],
      receivedAt: now,
    });

  it('loads the deployments as it opens; a failure leaves traffic-routed only', () => {
    const s = open();
    expect(s).toMatchObject({mode: 'ready', count: '10', deploymentsWork: {id: 1}});
    expect(
      inv(s, {type: 'deploymentsLoaded', id: 1, deployments: [{name: 'v1', trafficPercent: 100}]}),
    ).toMatchObject({deployments: [{name: 'v1'}], deploymentsWork: undefined});
    expect(inv(s, {type: 'deploymentsFailed', id: 1}).deployments).toEqual([]);
  });

  it('n, backspace ×2, 3, enter in one burst send three requests', () => {
    const s = inv(
      open(),
      {type: 'editCount'},
      {type: 'edit', edit: {type: 'erase'}},
      {type: 'edit', edit: {type: 'erase'}},
      {type: 'edit', edit: {type: 'insert', text: '3x'}},
      {type: 'submit'},
    );
    expect(s.mode).toBe('sending');
    expect(s.work).toMatchObject({kind: 'send', times: 3, file: 'req.json'});
    expect(s.count).toBe('3');
  });

  it.each([
    ['5000', '5000 is more than 1000 requests, the most one run sends'],
    ['0', 'send at least 1 request'],
    ['', 'enter a count'],
  ])('a count of %j is refused in words, not changed into another: %s', (typed, problem) => {
    const s = inv(
      open(),
      {type: 'editCount'},
      {type: 'edit', edit: {type: 'clear'}},
      {type: 'edit', edit: {type: 'insert', text: typed}},
      {type: 'submit'},
    );
    expect(s.mode).toBe('count');
    expect(s.work).toBeUndefined();
    expect(s.problem).toEqual({problem, hint: 'type a whole number from 1 to 1000'});
    // Typing again clears it; 1000 is sent.
    const fixed = inv(
      s,
      {type: 'edit', edit: {type: 'clear'}},
      {type: 'edit', edit: {type: 'insert', text: '1000'}},
      {type: 'submit'},
    );
    expect(fixed.problem).toBeUndefined();
    expect(fixed.work).toMatchObject({kind: 'send', times: 1000});
  });

  it('f edits the file (enter and esc keep it); enter sends it to the chosen target', () => {
    const s = inv(
      open(),
      {type: 'editFile'},
      {type: 'edit', edit: {type: 'clear'}},
      {type: 'edit', edit: {type: 'insert', text: 'other.json'}},
      {type: 'submit'},
      {type: 'chooseTarget'},
    );
    expect(s).toMatchObject({mode: 'target', file: 'other.json'});
    const targeted = inv(s, {type: 'target', deployment: 'v2'});
    expect(targeted).toMatchObject({mode: 'ready', deployment: 'v2'});
    const sending = inv(targeted, {type: 'send'});
    expect(sending.work).toMatchObject({times: 1, file: 'other.json', deployment: 'v2'});
    expect(inv(open(), {type: 'editFile'}, {type: 'cancel'}).mode).toBe('ready');
    expect(inv(s, {type: 'cancel'}).deployment).toBeUndefined();
  });

  it('while sending: progress, esc cancels, and results of cancelled work are dropped', () => {
    const sending = inv(open(), {type: 'send'});
    const id = sending.work!.id;
    const p = inv(sending, {type: 'progress', id, done: 2}, {type: 'send'}, {type: 'editFile'});
    expect(p).toMatchObject({mode: 'sending', progress: 2});
    const cancelled = inv(p, {type: 'cancel'});
    expect(cancelled).toMatchObject({mode: 'ready', work: undefined});
    expect(sent({...cancelled, work: sending.work})).toMatchObject({sent: undefined});
    expect(inv(cancelled, {type: 'failed', id, error})).toBe(cancelled);
  });

  it('shows the answer, an invalid file, or the failure; a new send clears them', () => {
    const sending = inv(open(), {type: 'scroll', by: 5}, {type: 'send'});
    expect(sending.scroll).toBe(0);
    const done = sent(sending);
    expect(done.sent?.credential.value).toBe('pk-1');
    const invalid = inv(inv(done, {type: 'send'}), {
      type: 'invalid',
      id: done.lastId + 1,
      problem: 'not JSON',
      hint: 'fix it',
    });
    expect(invalid).toMatchObject({mode: 'ready', sent: undefined, problem: {problem: 'not JSON'}});
    const failed = inv(inv(invalid, {type: 'send'}), {
      type: 'failed',
      id: invalid.lastId + 1,
      error,
    });
    expect(failed).toMatchObject({error, problem: undefined});
  });

  it('scrolls (never above the top); K asks first; the note belongs to ready', () => {
    expect(
      inv(open(), {type: 'scroll', by: 10}, {type: 'scroll', by: 1}, {type: 'scroll', by: -20})
        .scroll,
    ).toBe(0);
    expect(inv(open(), {type: 'scroll', by: 10}, {type: 'scroll', by: 1}).scroll).toBe(11);
    const asking = inv(open(), {type: 'noted', note: 'Copied.'}, {type: 'askSecretCurl'});
    expect(asking.mode).toBe('confirmSecretCurl');
    expect('note' in asking).toBe(false);
    expect(inv(asking, {type: 'noted', note: 'late'})).toBe(asking);
    expect(inv(asking, {type: 'confirm'})).toMatchObject({mode: 'ready', note: undefined});
    expect(inv(asking, {type: 'cancel'}).mode).toBe('ready');
    const noted = inv(open(), {type: 'noted', note: 'Copied.'});
    expect(noted.mode === 'ready' && noted.note).toBe('Copied.');
    expect(inv(noted, {type: 'send'})).not.toHaveProperty('note', 'Copied.');
  });
});

describe('keys of one chunk', () => {
  const key = {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
  } as Key;

  it('splits printable keys read together into single keys, in order', () => {
    const split = keysOf('gY3\r\x15', key);
    expect(split.map(([i]) => i)).toEqual(['g', 'Y', '3', '', 'u']);
    expect(split[1]![1].shift).toBe(true);
    expect(split[3]![1].return).toBe(true);
    expect(split[4]![1].ctrl).toBe(true);
  });

  it('leaves a single key, an arrow or a control key alone', () => {
    expect(keysOf('g', key)).toEqual([['g', key]]);
    const down = {...key, downArrow: true};
    expect(keysOf('', down)).toEqual([['', down]]);
    const ctrlU = {...key, ctrl: true};
    expect(keysOf('u', ctrlU)).toEqual([['u', ctrlU]]);
  });
});
