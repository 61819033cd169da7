import {describe, expect, it} from 'vitest';
import type {AppError, Deployment} from '../../source/domain/types';
import {
  deploymentsReducer,
  type DeploymentsAction,
  type DeploymentsState,
  initialDeployments,
  LOG_ROWS,
  specOf,
  trafficRowsProblem,
} from '../../source/app/wizard/steps/deployments/state';
import {followOf} from '../../source/app/wizard/steps/invoke/keys';
import {initialInvoke} from '../../source/app/wizard/steps/invoke/state';
import {initialState, reducer as wizard} from '../../source/app/wizard/state';

// The Deployments screen as a pure reducer: every key is an action on the state the one before
// it left, so a burst (t ↓ 9 0) edits what it should.

const run = (s: DeploymentsState, ...actions: DeploymentsAction[]) =>
  actions.reduce(deploymentsReducer, s);
const error: AppError = {title: 'Boom', detail: 'it broke', nextSteps: [], kind: 'unknown'};
const dep = (
  name: string,
  trafficPercent: number,
  extra: Partial<Deployment> = {},
): Deployment => ({
  name,
  trafficPercent,
  mirrorPercent: 0,
  provisioningState: 'Succeeded',
  ...extra,
});
const loaded = (...deployments: Deployment[]) =>
  run(initialDeployments(), {type: 'loaded', id: 1, deployments});
const type = (text: string): DeploymentsAction[] =>
  [...text].map((c) => ({type: 'edit', edit: {type: 'insert', text: c}}));
const version = {
  name: 'credit-risk',
  version: '1',
  id: '/x/models/credit-risk/versions/1',
  modelType: 'mlflow_model',
};

describe('Deployments screen', () => {
  it('loads the list as it opens; a result of replaced work is dropped', () => {
    const s = initialDeployments();
    expect(s).toMatchObject({mode: 'list', work: {id: 1, kind: 'load'}});
    expect(run(s, {type: 'loaded', id: 9, deployments: []})).toBe(s);
    const l = loaded(dep('blue', 100));
    expect(l.work).toBeUndefined();
    expect(l.deployments!.map((d) => d.name)).toEqual(['blue']);
    expect(run(s, {type: 'loadFailed', id: 1, error}).loadError).toBe(error);
  });

  it('opened from invoke on a deployment, it fetches its logs at once', () => {
    expect(initialDeployments('green')).toMatchObject({
      mode: 'logs',
      deployment: 'green',
      container: 'inference-server',
      direct: true,
      work: {kind: 'logs', deployment: 'green', container: 'inference-server', lines: 200},
    });
  });

  it('create: models → environment → form with defaults → confirm → the create work', () => {
    let s = run(loaded(), {type: 'startCreate'});
    expect(s).toMatchObject({mode: 'pickModel', work: {kind: 'assets'}});
    s = run(s, {type: 'assetsLoaded', id: s.work!.id, models: [], environments: []});
    s = run(
      s,
      {type: 'pickModel', model: version},
      {type: 'pickEnvironment', environment: undefined},
    );
    expect(s).toMatchObject({
      mode: 'form',
      focus: 'name',
      draft: {
        name: 'blue',
        model: 'azureml:credit-risk:1',
        instanceType: 'Standard_DS3_v2',
        instanceCount: '1',
        allTraffic: true,
      },
    });
    // Enter walks the fields; on the last one it asks to confirm.
    s = run(s, {type: 'submit'}, {type: 'submit'}, {type: 'submit'});
    expect(s).toMatchObject({mode: 'form', focus: 'allTraffic'});
    s = run(s, {type: 'submit'});
    expect(s.mode).toBe('confirmCreate');
    s = run(s, {type: 'confirm'});
    expect(s).toMatchObject({
      mode: 'creating',
      work: {
        kind: 'create',
        allTraffic: true,
        spec: {name: 'blue', model: 'azureml:credit-risk:1', instanceCount: 1},
      },
    });
    const done = run(s, {type: 'created', id: s.work!.id, deployment: dep('blue', 100)});
    expect(done).toMatchObject({mode: 'list', highlighted: 'blue', work: {kind: 'load'}});
    expect(done.notice).toContain('blue created');
  });

  it('the form refuses a taken or invalid name and a zero count: Enter goes to the field', () => {
    let s = run(loaded(dep('blue', 100)), {type: 'startCreate'});
    s = run(s, {type: 'assetsLoaded', id: s.work!.id, models: [], environments: []});
    s = run(s, {type: 'pickModel', model: version}, {type: 'pickEnvironment'});
    expect(s.mode === 'form' && s.draft.name).toBe('green');
    expect(s.mode === 'form' && s.draft.allTraffic).toBe(false);
    s = run(s, {type: 'edit', edit: {type: 'clear'}}, ...type('blue'));
    s = run(
      s,
      {type: 'focus', by: 1},
      {type: 'focus', by: 1},
      {type: 'edit', edit: {type: 'erase'}},
    );
    s = run(s, ...type('0'), {type: 'focus', by: 1}, {type: 'submit'});
    expect(s).toMatchObject({mode: 'form', focus: 'name'});
    s = run(s, {type: 'edit', edit: {type: 'erase'}}, ...type('x'));
    s = run(s, {type: 'focus', by: -1}, {type: 'submit'});
    expect(s).toMatchObject({mode: 'form', focus: 'instanceCount'});
  });

  it('a YAML read fills the draft and keeps its other settings for the spec', () => {
    let s = run(loaded(), {type: 'startYaml'}, ...type('d.yml'), {type: 'submit'});
    expect(s).toMatchObject({mode: 'yamlPath', work: {kind: 'readYaml', file: 'd.yml'}});
    s = run(s, {
      type: 'yamlRead',
      id: s.work!.id,
      file: 'd.yml',
      spec: {
        name: 'teal',
        model: 'azureml:m@latest',
        instanceType: 'Standard_F4s_v2',
        instanceCount: 2,
        requestSettings: {requestTimeoutMs: 3000},
      },
    });
    expect(s).toMatchObject({mode: 'form', focus: 'allTraffic', draft: {name: 'teal'}});
    if (s.mode !== 'form') throw new Error('form');
    expect(specOf(s.draft)).toMatchObject({
      name: 'teal',
      instanceCount: 2,
      requestSettings: {requestTimeoutMs: 3000},
    });
  });

  it('a YAML with local paths shows them; Enter goes back to the list, nothing asked of Azure', () => {
    let s = run(loaded(), {type: 'startYaml'}, ...type('b.yml'), {type: 'submit'});
    const locals = [{field: 'model.path', path: './model', command: 'az ml model create …'}];
    s = run(s, {type: 'yamlLocal', id: s.work!.id, file: 'b.yml', locals});
    expect(s).toMatchObject({mode: 'yamlLocal', locals});
    expect(run(s, {type: 'cancel'}).mode).toBe('list');
  });

  it('traffic: a burst t ↓ 9 0 edits the second row; a bad split cannot be confirmed', () => {
    let s = run(loaded(dep('blue', 100), dep('green', 0)), {type: 'startTraffic'});
    s = run(s, ...type('90'), {type: 'moveRow', by: 1}, ...type('10'));
    expect(s.mode === 'traffic' && s.rows).toEqual([
      {name: 'blue', live: '90', mirror: '0'},
      {name: 'green', live: '10', mirror: '0'},
    ]);
    s = run(s, {type: 'column'}, ...type('5'));
    expect(s.mode === 'traffic' && trafficRowsProblem(s.rows)).toContain(
      'green takes 10% of the live traffic',
    );
    expect(run(s, {type: 'submit'}).mode).toBe('traffic');
    s = run(s, {type: 'column'}, {type: 'edit', edit: {type: 'clear'}}, ...type('0'));
    s = run(s, {type: 'moveRow', by: -1}, {type: 'edit', edit: {type: 'clear'}}, ...type('100'));
    s = run(s, {type: 'submit'});
    expect(s.mode).toBe('confirmTraffic');
    s = run(s, {type: 'confirm'});
    expect(s).toMatchObject({
      mode: 'applyingTraffic',
      work: {kind: 'traffic', traffic: {blue: 100, green: 0}, mirror: {green: 5}},
    });
    const done = run(s, {type: 'trafficApplied', id: s.work!.id});
    expect(done).toMatchObject({mode: 'list', work: {kind: 'load'}});
    expect(done.notice).toBe('✓ traffic applied: blue 100% · green 0% · mirror 5% to green');
  });

  it('logs: switch container and refresh are new work; scroll stays within the lines', () => {
    let s = run(loaded(dep('blue', 100)), {type: 'openLogs'});
    expect(s).toMatchObject({mode: 'logs', deployment: 'blue', direct: false});
    const first = s.work!.id;
    s = run(s, {
      type: 'logsLoaded',
      id: first,
      content: Array.from({length: 30}, (_, i) => `l${i}`).join('\n'),
    });
    s = run(s, {type: 'scroll', by: 5});
    expect(s.mode === 'logs' && s.scroll).toBe(30 - LOG_ROWS);
    s = run(s, {type: 'scroll', by: -100});
    expect(s.mode === 'logs' && s.scroll).toBe(0);
    s = run(s, {type: 'switchContainer'});
    expect(s).toMatchObject({
      container: 'storage-initializer',
      work: {container: 'storage-initializer'},
    });
    expect(s.work!.id).toBeGreaterThan(first);
    const failed = run(s, {type: 'failed', id: s.work!.id, error});
    expect(failed).toMatchObject({mode: 'logs', error});
    expect(run(failed, {type: 'cancel'}).mode).toBe('list');
  });

  it('delete: refused at once while it takes live or mirror traffic; otherwise confirmed', () => {
    const l = loaded(dep('blue', 90), dep('green', 10), dep('red', 0, {mirrorPercent: 5}));
    expect(run(l, {type: 'startDelete'})).toMatchObject({
      mode: 'deleteRefused',
      deployment: 'blue',
      reason: 'blue takes 90% of the live traffic',
    });
    const red = run(l, {type: 'moveHighlight', by: -1}, {type: 'startDelete'});
    expect(red).toMatchObject({mode: 'deleteRefused', reason: 'red receives 5% mirror traffic'});
    const free = loaded(dep('blue', 100), dep('green', 0));
    let s = run(free, {type: 'moveHighlight', by: 1}, {type: 'startDelete'});
    expect(s).toMatchObject({mode: 'confirmDelete', deployment: 'green'});
    s = run(s, {type: 'confirm'});
    expect(s).toMatchObject({mode: 'deleting', work: {kind: 'delete', deployment: 'green'}});
    const failed = run(s, {type: 'failed', id: s.work!.id, error});
    expect(failed).toMatchObject({mode: 'failed', back: 'list'});
    expect(run(s, {type: 'deleted', id: s.work!.id}).notice).toBe('✓ green deleted');
  });
});

describe('invoke leads to the Deployments screen', () => {
  const sent = (status: number, deployment?: string) => ({
    ...initialInvoke({file: 'r.json'}),
    sent: {
      credential: {kind: 'key' as const, value: 'k'},
      receivedAt: 0,
      results: [{status, latencyMs: 1, body: '', headers: {}, ...(deployment ? {deployment} : {})}],
    },
  });

  it('a 404 to the list, a 424 or 502 to the answering deployment’s logs, others nowhere', () => {
    expect(followOf(sent(404))).toEqual({kind: 'deployments'});
    expect(followOf(sent(424, 'green'))).toEqual({kind: 'logs', logsOf: 'green'});
    expect(followOf(sent(502, 'blue'))).toEqual({kind: 'logs', logsOf: 'blue'});
    expect(followOf(sent(424))).toBeUndefined();
    expect(followOf(sent(200, 'blue'))).toBeUndefined();
  });

  it('the wizard opens Deployments from invoke (Esc returns there) and from home', () => {
    const endpoint = {
      subscriptionId: 's',
      resourceGroup: 'rg',
      workspace: 'ws',
      endpoint: 'ep',
      id: '/ep',
      location: 'eastus',
      authMode: 'key' as const,
      provisioningState: 'Succeeded',
      traffic: {},
    };
    const ctx = {
      subscription: {subscriptionId: 's', displayName: 'S', state: 'Enabled'},
      workspace: {
        id: '/ws',
        name: 'ws',
        resourceGroup: 'rg',
        location: 'eastus',
        subscriptionId: 's',
      },
      endpoint,
      credential: {kind: 'key' as const, value: 'k'},
    };
    const home = {...initialState(false), screen: {step: 'home' as const, ctx}};
    const invoke = wizard(home, {type: 'open', step: 'invoke'});
    const logs = wizard(invoke, {type: 'openDeployments', logsOf: 'green'});
    expect(logs.screen).toMatchObject({step: 'deployments', logsOf: 'green'});
    expect(wizard(logs, {type: 'back'}).screen.step).toBe('invoke');
    const opened = wizard(home, {type: 'open', step: 'deployments'});
    expect(opened.screen.step).toBe('deployments');
    // New traffic keeps the credential; the home shows the refreshed endpoint.
    const refreshed = wizard(opened, {
      type: 'endpointRefreshed',
      endpoint: {...endpoint, traffic: {blue: 100}},
    });
    const back = wizard(refreshed, {type: 'back'});
    expect(back.screen).toMatchObject({
      step: 'home',
      ctx: {endpoint: {traffic: {blue: 100}}, credential: {value: 'k'}},
    });
    expect(wizard(home, {type: 'openDeployments'})).toBe(home);
  });
});
