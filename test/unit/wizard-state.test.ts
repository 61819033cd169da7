import {describe, expect, it} from 'vitest';
import {
  canSignInAgain,
  contextOf,
  initialState,
  reducer,
  type Session,
  type WizardState,
} from '../../source/app/wizard/state';
import {endpoint, signInResult, subscriptions, workspaces} from '../helpers/fake-services';

const session: Session = {method: 'device-code', params: {}, result: signInResult()};
const run = (state: WizardState, ...actions: Parameters<typeof reducer>[1][]) =>
  actions.reduce(reducer, state);
const step = (s: WizardState) => s.screen.step;
const ctx = (s: WizardState) => contextOf(s.screen);

describe('the wizard reducer', () => {
  it('starts at sign-in without profiles and at the start screen with them', () => {
    expect(step(initialState(false))).toBe('signIn');
    expect(step(initialState(true))).toBe('start');
  });

  it('walks part 1 in order and saving leads to the endpoint home', () => {
    const s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'endpointChosen', endpoint: endpoint('a')},
      {type: 'authModeDone'},
      {type: 'profileSaved', name: 'a'},
    );
    expect(step(s)).toBe('home');
    expect(ctx(s)?.profile).toBe('a');
    // Auth mode and save were passed through: Esc from home goes to the endpoint list.
    expect(s.history.map((x) => x.step)).toEqual([
      'signIn',
      'subscription',
      'workspace',
      'endpoint',
    ]);
    expect(step(reducer(s, {type: 'back'}))).toBe('endpoint');
  });

  it('Esc goes back one step at a time and stops at the first', () => {
    let s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
    );
    expect(step(s)).toBe('workspace');
    s = reducer(s, {type: 'back'});
    expect(step(s)).toBe('subscription');
    s = reducer(s, {type: 'back'});
    expect(step(s)).toBe('signIn');
    expect(reducer(s, {type: 'back'})).toBe(s);
  });

  it('choosing another subscription forgets the workspace and endpoint chosen under the old one', () => {
    const s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'back'},
      {type: 'back'},
      {type: 'subscriptionChosen', subscription: subscriptions[1]!},
    );
    expect(s.screen).toEqual({step: 'workspace', subscription: subscriptions[1]});
  });

  it('a resumed profile signs in, loads, and lands on home with Esc leading to the endpoint list', () => {
    const target = {
      profileName: 'p',
      method: 'device-code' as const,
      params: {},
      subscription: {id: subscriptions[0]!.subscriptionId, name: 'Dev'},
      resourceGroup: 'rg1',
      workspace: 'ws-one',
      endpoint: 'a',
    };
    let s = run(initialState(true), {type: 'resume', target}, {type: 'signedIn', session});
    expect(step(s)).toBe('resume');
    s = reducer(s, {
      type: 'resumed',
      subscription: subscriptions[0]!,
      workspace: workspaces[0]!,
      endpoint: endpoint('a'),
    });
    expect(step(s)).toBe('home');
    expect(ctx(s)?.profile).toBe('p');
    expect(step(reducer(s, {type: 'back'}))).toBe('endpoint');
    expect(step(run(s, {type: 'back'}, {type: 'back'}, {type: 'back'}))).toBe('subscription');
  });

  it('from home, auth mode and save return home; a new auth mode drops the cached credential', () => {
    let s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'endpointChosen', endpoint: endpoint('a')},
      {type: 'authModeDone'},
      {type: 'profileSaved', name: 'a'},
      {type: 'credentialFetched', credential: {kind: 'key', value: 'k'}},
      {type: 'open', step: 'authMode'},
    );
    expect(step(s)).toBe('authMode');
    expect(ctx(s)?.credential).toEqual({kind: 'key', value: 'k'});
    s = reducer(s, {type: 'endpointUpdated', endpoint: endpoint('a', {authMode: 'aad_token'})});
    expect(ctx(s)?.credential).toBeUndefined();
    s = reducer(s, {type: 'authModeDone'});
    expect(step(s)).toBe('home');
    expect(ctx(s)?.endpoint.authMode).toBe('aad_token');
    s = run(s, {type: 'open', step: 'save'}, {type: 'profileSaved', name: 'b'});
    expect(step(s)).toBe('home');
    expect(ctx(s)?.profile).toBe('b');
    expect(ctx(s)?.lastOpened).toBe('save');
  });

  it('help toggles, and Esc closes help before going back', () => {
    let s = run(initialState(false), {type: 'signedIn', session}, {type: 'toggleHelp'});
    expect(s.help).toBe(true);
    s = reducer(s, {type: 'back'});
    expect(s.help).toBe(false);
    expect(step(s)).toBe('subscription');
  });

  it('the sandbox panel opens masked every time, reveals and masks, and leaves the screen as it was', () => {
    const signedIn = run(initialState(false), {type: 'signedIn', session}, {type: 'toggleHelp'});
    let s = reducer(signedIn, {type: 'toggleSandboxPanel'});
    expect(s.sandboxPanel).toEqual({revealed: false});
    expect(s.help).toBe(false); // the panel is what is on screen
    s = reducer(s, {type: 'toggleSandboxSecrets'});
    expect(s.sandboxPanel).toEqual({revealed: true});
    s = reducer(s, {type: 'toggleSandboxSecrets'});
    expect(s.sandboxPanel).toEqual({revealed: false});
    s = run(s, {type: 'toggleSandboxSecrets'}, {type: 'toggleSandboxPanel'});
    expect(s.sandboxPanel).toBeUndefined();
    expect(s.screen).toBe(signedIn.screen);
    expect(s.history).toBe(signedIn.history);
    // Revealed when closed: masked when opened again. Closed, v does nothing.
    expect(reducer(s, {type: 'toggleSandboxPanel'}).sandboxPanel).toEqual({revealed: false});
    expect(reducer(s, {type: 'toggleSandboxSecrets'})).toBe(s);
  });

  it('choosing another endpoint starts its screens fresh: no credential, target, cursor or profile of the old one', () => {
    let s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'endpointChosen', endpoint: endpoint('a')},
      {type: 'authModeDone'},
      {type: 'profileSaved', name: 'loan'},
      {type: 'open', step: 'invoke'},
      {type: 'credentialFetched', credential: {kind: 'key', value: 'k'}},
      {type: 'invokeSettings', deployment: 'v2', requestFile: 'req.json'},
      {type: 'back'},
    );
    expect(ctx(s)).toMatchObject({
      profile: 'loan',
      lastOpened: 'invoke',
      deployment: 'v2',
      credential: {kind: 'key'},
    });
    s = run(s, {type: 'back'}, {type: 'endpointChosen', endpoint: endpoint('b')});
    expect(step(s)).toBe('authMode');
    expect(ctx(s)).toEqual({
      subscription: subscriptions[0],
      workspace: workspaces[0],
      endpoint: endpoint('b'),
    });
    s = run(s, {type: 'authModeDone'});
    expect(step(s)).toBe('save');
    // Back on the list, the endpoint chosen last is highlighted.
    expect(run(s, {type: 'back'}, {type: 'back'}).screen).toMatchObject({
      step: 'endpoint',
      current: endpoint('b'),
    });
  });
});

describe('invoke settings', () => {
  it('are kept in state and carried by a resumed profile', () => {
    const target = {
      profileName: 'p',
      method: 'device-code' as const,
      params: {},
      subscription: {id: subscriptions[0]!.subscriptionId, name: 'Dev'},
      resourceGroup: 'rg1',
      workspace: 'ws-one',
      endpoint: 'a',
      deployment: 'v2',
      lastRequestFile: 'req.json',
    };
    let s = run(initialState(true), {type: 'resume', target}, {type: 'signedIn', session});
    s = reducer(s, {
      type: 'resumed',
      subscription: subscriptions[0]!,
      workspace: workspaces[0]!,
      endpoint: endpoint('a'),
    });
    expect([ctx(s)?.deployment, ctx(s)?.requestFile]).toEqual(['v2', 'req.json']);
    s = reducer(s, {type: 'invokeSettings', requestFile: 'other.json'});
    expect([ctx(s)?.deployment, ctx(s)?.requestFile]).toEqual([undefined, 'other.json']);
  });
});

describe('the traffic log', () => {
  it('opens from home; the request ID of the last invoke goes with the endpoint, not to the next one', () => {
    let s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'endpointChosen', endpoint: endpoint('a')},
      {type: 'authModeDone'},
      {type: 'profileSaved', name: 'a'},
      {type: 'open', step: 'invoke'},
      {type: 'requestSent', requestId: 'req-1'},
      {type: 'back'},
      {type: 'open', step: 'trafficLog'},
    );
    expect(step(s)).toBe('trafficLog');
    expect(ctx(s)).toMatchObject({lastRequestId: 'req-1', lastOpened: 'trafficLog'});
    s = run(s, {type: 'back'});
    expect(step(s)).toBe('home');
    s = run(s, {type: 'back'}, {type: 'endpointChosen', endpoint: endpoint('b')});
    expect(ctx(s)?.lastRequestId).toBeUndefined();
  });
});

describe('signing in again in place', () => {
  const atCredentials = () =>
    run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'endpointChosen', endpoint: endpoint('a')},
      {type: 'authModeDone'},
      {type: 'profileSaved', name: 'a'},
      {type: 'open', step: 'credentials'},
    );

  it('is offered only while an error says so, and the header token is then shown refused', () => {
    const s = atCredentials();
    expect(canSignInAgain(s)).toBe(false);
    expect(reducer(s, {type: 'signInAgain'})).toBe(s);
    const offered = reducer(s, {type: 'signInOffer', delta: 1});
    expect(canSignInAgain(offered)).toBe(true);
    expect(offered.tokenRefused).toBe(true);
    // Help over the screen, or the error gone: the key does nothing.
    expect(canSignInAgain(reducer(offered, {type: 'toggleHelp'}))).toBe(false);
    const gone = reducer(offered, {type: 'signInOffer', delta: -1});
    expect(canSignInAgain(gone)).toBe(false);
    // The same token again does not clear "refused"; a new one does.
    expect(reducer(gone, {type: 'tokenRefreshed', token: session.result.managementToken})).toBe(
      gone,
    );
    const fresh = signInResult(7_200_000).managementToken;
    const refreshed = reducer(gone, {type: 'tokenRefreshed', token: fresh});
    expect(refreshed.tokenRefused).toBeUndefined();
    expect(refreshed.managementToken).toBe(fresh);
    // A refresh refused on its own (the header's timer) says so too; before sign-in nothing.
    expect(reducer(s, {type: 'tokenRefused'}).tokenRefused).toBe(true);
    expect(reducer(initialState(false), {type: 'tokenRefused'}).tokenRefused).toBeUndefined();
    expect(canSignInAgain(reducer(initialState(false), {type: 'signInOffer', delta: 1}))).toBe(
      false,
    );
  });

  it('covers the step with the sign-in (same method and parameters); Esc returns to it as it was', () => {
    const s = reducer(atCredentials(), {type: 'signInOffer', delta: 1});
    const again = reducer(s, {type: 'signInAgain'});
    expect(again.signInAgain).toEqual({method: session.method, params: session.params});
    expect(again.screen).toBe(s.screen);
    expect(again.history).toBe(s.history);
    expect(canSignInAgain(again)).toBe(false);
    const left = reducer(again, {type: 'back'});
    expect(left.signInAgain).toBeUndefined();
    expect(left.screen).toBe(s.screen);
    expect(left.tokenRefused).toBe(true);
    expect(canSignInAgain(left)).toBe(true);
  });

  it('on success stays on the same step and path, with the new token and the step started afresh', () => {
    const s = reducer(atCredentials(), {type: 'signInOffer', delta: 1});
    const newSession: Session = {...session, result: signInResult(7_200_000)};
    const done = run(s, {type: 'signInAgain'}, {type: 'signedIn', session: newSession});
    expect(step(done)).toBe('credentials');
    expect(done.screen).toBe(s.screen);
    expect(done.history).toBe(s.history);
    expect(ctx(done)?.profile).toBe('a');
    expect(done.session).toBe(newSession);
    expect(done.managementToken).toBe(newSession.result.managementToken);
    expect(done.tokenRefused).toBeUndefined();
    expect(done.signInAgain).toBeUndefined();
    expect(done.signIns).toBe(1);
  });

  it('as another identity starts over from the subscriptions', () => {
    const s = reducer(atCredentials(), {type: 'signInOffer', delta: 1});
    const other = signInResult();
    const someoneElse: Session = {
      ...session,
      result: {...other, identity: {...other.identity, objectId: 'another-object-id'}},
    };
    const done = run(s, {type: 'signInAgain'}, {type: 'signedIn', session: someoneElse});
    expect(step(done)).toBe('subscription');
    expect(done.signInAgain).toBeUndefined();
  });
});
