import {describe, expect, it} from 'vitest';
import type {AppError} from '../../source/domain/types';
import type {Profile} from '../../source/app/profiles-port';
import type {ResumeTarget} from '../../source/app/wizard/state';
import {
  initialSignIn,
  sessionOf,
  signInReducer,
  type SignInAction,
  type SignInScreen,
} from '../../source/app/wizard/steps/sign-in/state';
import {
  initialResume,
  resumeReducer,
  type ResumeAction,
  type ResumeScreen,
} from '../../source/app/wizard/steps/resume/state';
import {
  initialStart,
  startReducer,
  type StartAction,
  type StartScreen,
} from '../../source/app/wizard/steps/start/state';
import {
  initialSave,
  saveReducer,
  type SaveAction,
  type SaveScreen,
} from '../../source/app/wizard/steps/save/state';
import {homeKey} from '../../source/app/wizard/steps/home/keys';
import {signInResult} from '../helpers/fake-services';

// The sign-in, start, resume, save and home screens as pure reducers: a burst of keys is a
// sequence of actions, each applied to the state the previous one left.

const error: AppError = {title: 'Sign in failed', detail: 'nope', nextSteps: [], kind: 'auth'};
const result = signInResult();

const signIn = (state: SignInScreen, ...actions: SignInAction[]) =>
  actions.reduce(signInReducer, state);
const type = (text: string): SignInAction => ({type: 'edit', edit: {type: 'insert', text}});

const target = (method: ResumeTarget['method']): ResumeTarget => ({
  profileName: 'alpha',
  method,
  params: {tenantId: 'contoso.test', clientId: '33333333-3333-3333-3333-333333333333'},
  subscription: {id: 'sub', name: 'Dev'},
  resourceGroup: 'rg1',
  workspace: 'ws-one',
  endpoint: 'ep',
});

describe('the sign-in screen', () => {
  it('signing in again starts at once with the session method and values, and goes straight on', () => {
    const params = {tenantId: 'contoso.test', authenticationRecord: '{"record":1}'};
    const again = initialSignIn({again: {method: 'device-code', params}});
    if (again.mode !== 'running') throw new Error(`not running: ${again.mode}`);
    expect(again.again).toBe(true);
    expect(again.work).toMatchObject({method: 'device-code', values: {tenantId: 'contoso.test'}});
    // Success goes on without the summary (the wizard returns to the step).
    expect(signIn(again, {type: 'signedIn', id: again.work.id, result}).mode).toBe('finished');
    // A failure keeps the flag, so Esc still leaves for the step (keys.ts).
    const failed = signIn(again, {type: 'failed', id: again.work.id, error});
    expect(failed).toMatchObject({mode: 'failed', again: true});
    // A service principal asks for its secret again, tenant and client ID filled in.
    const sp = initialSignIn({
      again: {method: 'service-principal', params: {tenantId: 't', clientId: 'c'}},
    });
    expect(sp).toMatchObject({mode: 'form', values: {tenantId: 't', clientId: 'c'}, again: true});
    expect(initialSignIn({}).again).toBe(false);
  });

  it('opens on the method list, or signs a resumed profile in at once (work in the first state)', () => {
    const fresh = initialSignIn({defaultTenant: 'contoso.test'});
    expect(fresh.mode).toBe('method');
    expect(fresh.method).toBe('device-code');
    expect(fresh.values.tenantId).toBe('contoso.test');

    const resumed = initialSignIn({resume: target('device-code')});
    expect(resumed.mode).toBe('running');
    if (resumed.mode !== 'running') throw new Error('not running');
    expect(resumed.work).toMatchObject({id: 1, kind: 'signIn', method: 'device-code'});
    expect(resumed.values.tenantId).toBe('contoso.test');

    // A method with a secret asks for it again: the form, no work yet.
    const secret = initialSignIn({resume: target('service-principal')});
    expect(secret.mode).toBe('form');
  });

  it('a resumed service principal signs in with AZURE_CLIENT_SECRET when it is set, as the commands do', () => {
    const resumed = initialSignIn({
      resume: target('service-principal'),
      environmentSecret: 'from-the-environment',
    });
    expect(resumed.mode).toBe('running');
    if (resumed.mode !== 'running') throw new Error('not running');
    expect(resumed.work).toMatchObject({
      kind: 'signIn',
      method: 'service-principal',
      values: {
        tenantId: 'contoso.test',
        clientId: '33333333-3333-3333-3333-333333333333',
        clientSecret: 'from-the-environment',
      },
    });
    // The session kept for the rest of the wizard holds no secret.
    const done = signIn(resumed, {type: 'signedIn', id: resumed.work.id, result});
    if (done.mode !== 'finished') throw new Error(`not finished: ${done.mode}`);
    expect(JSON.stringify(sessionOf(done.method, done.values, done.result))).not.toContain(
      'from-the-environment',
    );
    // Other methods do not take it; a profile without a client ID still asks.
    expect(initialSignIn({resume: target('device-code'), environmentSecret: 'x'}).mode).toBe(
      'running',
    );
    const noClient = {...target('service-principal'), params: {tenantId: 'contoso.test'}};
    expect(initialSignIn({resume: noClient, environmentSecret: 'x'}).mode).toBe('form');
  });

  it('a method without fields starts signing in; one with fields opens its form', () => {
    const env = signIn(initialSignIn({}), {type: 'choose', method: 'environment'});
    expect(env).toMatchObject({mode: 'running', method: 'environment', values: {}});
    const form = signIn(initialSignIn({}), {type: 'choose', method: 'service-principal'});
    expect(form).toMatchObject({mode: 'form', method: 'service-principal', focus: 0});
  });

  it('a burst in the form: Enter Enter moves two fields, text after a tab lands in the new field', () => {
    const form = signIn(initialSignIn({}), {type: 'choose', method: 'service-principal'});
    const moved = signIn(form, {type: 'submit'}, {type: 'submit'});
    expect(moved.focus).toBe(2); // client secret
    const typed = signIn(
      form,
      {type: 'edit', edit: {type: 'clear'}},
      type('contoso.test'),
      {type: 'focus', by: 1},
      type('33333333-3333-3333-3333-333333333333'),
      {type: 'focus', by: 1},
      type('s3cret'),
      {type: 'edit', edit: {type: 'erase'}},
      {type: 'focus', by: -1},
      {type: 'focus', by: 1},
    );
    expect(typed.values).toEqual({
      tenantId: 'contoso.test',
      clientId: '33333333-3333-3333-3333-333333333333',
      clientSecret: 's3cre',
      certificatePath: '',
    });
    expect(typed.focus).toBe(2);
    const running = signIn(typed, {type: 'submit'});
    expect(running.mode).toBe('running');
    if (running.mode !== 'running') throw new Error('not running');
    expect(running.work.values.clientSecret).toBe('s3cre');
    expect(running.work.id).toBe(1);
  });

  it('Enter on the last field with a problem goes to the first field that has one', () => {
    const form = signIn(initialSignIn({}), {type: 'choose', method: 'service-principal'});
    const s = signIn(form, {type: 'submit'}, {type: 'submit'}, type('x'), {type: 'submit'});
    expect(s).toMatchObject({mode: 'form', focus: 0}); // tenant is required
  });

  it('runs: the device code, then signed in; results of cancelled work are dropped', () => {
    const running = signIn(
      initialSignIn({}),
      {type: 'choose', method: 'device-code'},
      {
        type: 'submit',
      },
    );
    expect(running.mode).toBe('running');
    const prompt = {
      userCode: 'ABCD',
      verificationUri: 'https://login.test/device',
      message: '',
      expiresOn: new Date(0),
    };
    const shown = signIn(running, {type: 'prompt', id: 1, prompt}, {type: 'note', note: 'copied'});
    expect(shown).toMatchObject({mode: 'running', prompt, note: 'copied'});
    expect(signIn(shown, {type: 'prompt', id: 7, prompt: {...prompt, userCode: 'X'}})).toBe(shown);

    const signedIn = signIn(shown, {type: 'signedIn', id: 1, result});
    expect(signedIn).toMatchObject({mode: 'signedIn', inspect: false, result});
    expect(signIn(signedIn, {type: 'inspect'}, {type: 'inspect'}, {type: 'inspect'})).toMatchObject(
      {inspect: true},
    );
    expect(signIn(signedIn, {type: 'continue'}).mode).toBe('finished');
    expect(signIn(signedIn, {type: 'back'}).mode).toBe('method');

    // Esc cancels: back to the form with a note; a late result of that work changes nothing.
    const cancelled = signIn(shown, {type: 'back'});
    expect(cancelled).toMatchObject({mode: 'form', note: 'Sign-in cancelled.'});
    expect(signIn(cancelled, {type: 'signedIn', id: 1, result})).toBe(cancelled);
    // The next sign-in is new work.
    const again = signIn(cancelled, {type: 'submit'});
    expect(again).toMatchObject({mode: 'running', work: {id: 2}, note: undefined});
    expect(signIn(again, {type: 'signedIn', id: 1, result})).toBe(again);
  });

  it('browser: the page where it waits (since stays), then d switches to a device code', () => {
    const running = signIn(
      initialSignIn({defaultTenant: 'contoso.test'}),
      {type: 'choose', method: 'browser'},
      {type: 'submit'},
    );
    expect(running).toMatchObject({mode: 'running', method: 'browser', work: {id: 1}});
    const page = {url: 'https://login.test/authorize?state=s', opened: true, port: 41234};
    const opened = signIn(running, {type: 'browser', id: 1, prompt: page, at: 1000});
    expect(opened).toMatchObject({browser: {...page, since: 1000}});
    // The opener failed after it started: the reason replaces "opened", the wait keeps its start.
    const failed = signIn(opened, {
      type: 'browser',
      id: 1,
      prompt: {...page, opened: false, reason: 'xdg-open failed (exit code 3)'},
      at: 5000,
    });
    expect(failed).toMatchObject({
      browser: {opened: false, reason: 'xdg-open failed (exit code 3)', since: 1000},
    });
    // Another sign-in's page is dropped.
    expect(signIn(failed, {type: 'browser', id: 9, prompt: page, at: 0})).toBe(failed);

    // d: a device code sign-in, new work (the browser one is aborted), same tenant.
    const device = signIn(failed, {type: 'useDeviceCode'});
    expect(device).toMatchObject({
      mode: 'running',
      method: 'device-code',
      values: {tenantId: 'contoso.test'},
      work: {id: 2, method: 'device-code'},
    });
    expect(device).not.toHaveProperty('browser');
    expect(signIn(device, {type: 'signedIn', id: 1, result})).toBe(device);
    // Only a browser sign-in gives way to a device code.
    expect(signIn(device, {type: 'useDeviceCode'})).toBe(device);
    expect(signIn(initialSignIn({}), {type: 'useDeviceCode'}).mode).toBe('method');
    // Esc while the browser waits cancels it like any sign-in.
    expect(signIn(failed, {type: 'back'})).toMatchObject({
      mode: 'form',
      note: 'Sign-in cancelled.',
    });
  });

  it('a failure shows the error; Enter goes back to the form (or the list), Esc too', () => {
    const running = signIn(initialSignIn({}), {type: 'choose', method: 'environment'});
    const failed = signIn(running, {type: 'failed', id: 1, error});
    expect(failed).toMatchObject({mode: 'failed', error});
    expect(signIn(failed, {type: 'continue'}).mode).toBe('method'); // environment has no form
    expect(signIn(failed, {type: 'back'})).toMatchObject({mode: 'method'});
    const form = signIn(
      initialSignIn({}),
      {type: 'choose', method: 'cli'},
      {type: 'submit'},
      {type: 'failed', id: 1, error},
      {type: 'continue'},
    );
    expect(form.mode).toBe('form');
    expect(signIn(form, {type: 'back'}).mode).toBe('method');
  });

  it('a resumed sign-in goes straight on, and the session never holds the secret', () => {
    const s = signIn(initialSignIn({resume: target('cli')}), {type: 'signedIn', id: 1, result});
    expect(s.mode).toBe('finished');
    const session = sessionOf(
      'service-principal',
      {tenantId: ' t ', clientId: 'c', clientSecret: 'secret'},
      {...result, authenticationRecord: 'rec'},
    );
    expect(session.params).toEqual({tenantId: 't', clientId: 'c', authenticationRecord: 'rec'});
    expect(JSON.stringify(session)).not.toContain('secret');
  });
});

describe('the resume screen', () => {
  const resume = (state: ResumeScreen, ...actions: ResumeAction[]) =>
    actions.reduce(resumeReducer, state);
  it('loads as it opens; the first outcome of the current work counts', () => {
    expect(initialResume()).toEqual({mode: 'loading', work: {id: 1}});
    expect(resume(initialResume(), {type: 'loaded', id: 1}).mode).toBe('loaded');
    const failed = resume(initialResume(), {type: 'failed', id: 1, error});
    expect(failed).toEqual({mode: 'failed', error, work: {id: 1}});
    expect(resume(failed, {type: 'loaded', id: 1})).toBe(failed);
    expect(resume(initialResume(), {type: 'loaded', id: 2}).mode).toBe('loading');
  });
});

const profile = (name: string): Profile => ({
  name,
  cloud: 'TestCloud',
  tenantId: 't',
  signIn: {method: 'device-code'},
  subscription: {id: 'sub', name: 'Dev'},
  resourceGroup: 'rg1',
  workspace: 'ws-one',
  endpoint: `${name}-ep`,
  authMode: 'key',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T00:00:00.000Z',
});

describe('the start screen', () => {
  const start = (state: StartScreen, ...actions: StartAction[]) =>
    actions.reduce(startReducer, state);
  const list = initialStart([profile('alpha'), profile('beta')]);

  it('a burst: ctrl+e, ctrl+u, a new name and Enter rename, as work', () => {
    const s = start(
      list,
      {type: 'rename', name: 'alpha'},
      {type: 'edit', edit: {type: 'clear'}},
      {type: 'edit', edit: {type: 'insert', text: ' gamma '}},
      {type: 'edit', edit: {type: 'insert', text: 'x'}},
      {type: 'edit', edit: {type: 'erase'}},
      {type: 'submit'},
      // Keys after Enter act on the list again: an edit there changes nothing.
      {type: 'edit', edit: {type: 'insert', text: 'zz'}},
    );
    expect(s).toMatchObject({
      mode: 'list',
      work: {id: 1, kind: 'rename', from: 'alpha', to: 'gamma'},
    });
    const done = start(s, {type: 'done', id: 1, profiles: [profile('gamma')], message: 'ok'});
    expect(done).toMatchObject({mode: 'list', message: 'ok', profiles: [{name: 'gamma'}]});
    // A failed change keeps the list and says why.
    const failed = start(s, {type: 'done', id: 1, message: 'exists'});
    expect(failed.profiles).toBe(list.profiles);
    expect(failed.message).toBe('exists');
    expect(start(s, {type: 'done', id: 9, message: 'stale'})).toBe(s);
  });

  it('delete asks first: y removes (new work), n or Esc keep', () => {
    const asking = start(list, {type: 'remove', name: 'beta'});
    expect(asking).toMatchObject({mode: 'deleting', name: 'beta'});
    expect(start(asking, {type: 'cancel'}).mode).toBe('list');
    const removed = start(
      list,
      {type: 'rename', name: 'alpha'},
      {type: 'submit'},
      {type: 'remove', name: 'beta'},
      {type: 'confirm'},
    );
    expect(removed.work).toEqual({id: 2, kind: 'remove', name: 'beta'});
    // Esc while renaming cancels without work; a message stays until the next one.
    const renaming = start(
      list,
      {type: 'message', message: 'other cloud'},
      {
        type: 'rename',
        name: 'alpha',
      },
    );
    expect(start(renaming, {type: 'cancel'})).toEqual({...list, message: 'other cloud'});
  });
});

describe('the save screen', () => {
  const save = (state: SaveScreen, ...actions: SaveAction[]) => actions.reduce(saveReducer, state);

  it('a burst: erase, type, Enter saves the name typed', () => {
    const s = save(
      initialSave('churn'),
      {type: 'edit', edit: {type: 'erase'}},
      {type: 'edit', edit: {type: 'insert', text: '-2'}},
      {type: 'submit', taken: false},
    );
    expect(s).toMatchObject({mode: 'saving', name: 'chur-2', work: {id: 1, name: 'chur-2'}});
    const failed = save(s, {type: 'failed', id: 1, error: 'disk full'});
    expect(failed).toMatchObject({mode: 'editing', error: 'disk full'});
    expect(save(failed, {type: 'submit', taken: false}).work?.id).toBe(2);
  });

  it('an invalid name does not save; a taken one asks to overwrite first', () => {
    expect(save(initialSave('-bad'), {type: 'submit', taken: false}).mode).toBe('editing');
    const asking = save(initialSave('alpha'), {type: 'submit', taken: true});
    expect(asking.mode).toBe('overwriting');
    expect(save(asking, {type: 'edit', edit: {type: 'clear'}}).name).toBe('alpha');
    expect(save(asking, {type: 'cancel'}).mode).toBe('editing');
    expect(save(asking, {type: 'confirm'})).toMatchObject({mode: 'saving', work: {id: 1}});
  });
});

describe('the endpoint home', () => {
  it('q leaves, and is handled so it never filters; other keys go to the menu', () => {
    let left = 0;
    const onKey = homeKey(() => left++);
    const key = {ctrl: false, meta: false} as Parameters<typeof onKey>[1];
    expect(onKey('q', key)).toBe(true);
    expect(onKey('r', key)).toBe(false);
    expect(left).toBe(1);
  });
});
