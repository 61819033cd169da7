import {describe, expect, it} from 'vitest';
import {initialState, reducer, type Session, type WizardState} from '../../source/app/wizard/state';
import {endpoint, signInResult, subscriptions, workspaces} from '../helpers/fake-services';

const session: Session = {method: 'device-code', params: {}, result: signInResult()};
const run = (state: WizardState, ...actions: Parameters<typeof reducer>[1][]) =>
  actions.reduce(reducer, state);

describe('the wizard reducer', () => {
  it('starts at sign-in without profiles and at the start screen with them', () => {
    expect(initialState(false).step).toBe('signIn');
    expect(initialState(true).step).toBe('start');
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
    expect(s.step).toBe('home');
    expect(s.savedProfile).toBe('a');
    expect(s.history).toEqual([
      'signIn',
      'subscription',
      'workspace',
      'endpoint',
      'authMode',
      'save',
    ]);
  });

  it('Esc goes back one step at a time and stops at the first', () => {
    let s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
    );
    expect(s.step).toBe('workspace');
    s = reducer(s, {type: 'back'});
    expect(s.step).toBe('subscription');
    s = reducer(s, {type: 'back'});
    expect(s.step).toBe('signIn');
    expect(reducer(s, {type: 'back'})).toBe(s);
  });

  it('choosing another subscription forgets the workspace and endpoint chosen under the old one', () => {
    const s = run(
      initialState(false),
      {type: 'signedIn', session},
      {type: 'subscriptionChosen', subscription: subscriptions[0]!},
      {type: 'workspaceChosen', workspace: workspaces[0]!},
      {type: 'back'},
      {type: 'subscriptionChosen', subscription: subscriptions[1]!},
    );
    expect(s.subscription?.displayName).toBe('Prod');
    expect(s.workspace).toBeUndefined();
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
    expect(s.step).toBe('resume');
    s = reducer(s, {
      type: 'resumed',
      subscription: subscriptions[0]!,
      workspace: workspaces[0]!,
      endpoint: endpoint('a'),
    });
    expect(s.step).toBe('home');
    expect(s.savedProfile).toBe('p');
    expect(reducer(s, {type: 'back'}).step).toBe('endpoint');
    expect(run(s, {type: 'back'}, {type: 'back'}, {type: 'back'}).step).toBe('subscription');
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
    expect(s.step).toBe('authMode');
    s = reducer(s, {type: 'endpointUpdated', endpoint: endpoint('a', {authMode: 'aad_token'})});
    expect(s.credential).toBeUndefined();
    s = reducer(s, {type: 'authModeDone'});
    expect(s.step).toBe('home');
    s = run(s, {type: 'open', step: 'save'}, {type: 'profileSaved', name: 'b'});
    expect(s.step).toBe('home');
    expect(s.savedProfile).toBe('b');
    expect(s.lastOpened).toBe('save');
  });

  it('help toggles, and Esc closes help before going back', () => {
    let s = run(initialState(false), {type: 'signedIn', session}, {type: 'toggleHelp'});
    expect(s.help).toBe(true);
    s = reducer(s, {type: 'back'});
    expect(s.help).toBe(false);
    expect(s.step).toBe('subscription');
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
    expect([s.deployment, s.requestFile]).toEqual(['v2', 'req.json']);
    s = reducer(s, {type: 'invokeSettings', requestFile: 'other.json'});
    expect([s.deployment, s.requestFile]).toEqual([undefined, 'other.json']);
  });
});
