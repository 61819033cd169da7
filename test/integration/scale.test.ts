import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {createServices} from '../../source/azure/services';
import type {CloudConfig, Endpoint, Subscription} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {parseWorldScale} from '../../source/sandbox/world';
import {startTestSandbox, subscriptionId} from '../helpers/sandbox';

// The scale world (`aml-auth sandbox --scale SxE`) read through the real SDK clients, page by page
// as ARM pages (nextLink with a skip token), and the lists reporting each page as it comes.
let sandbox: RunningSandbox;
let cloud: CloudConfig;

beforeAll(async () => {
  sandbox = await startTestSandbox({scale: {subscriptions: 12, endpoints: 250}, pageSize: 100});
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
});
afterAll(async () => {
  await sandbox?.stop();
});

async function signedInOwner() {
  const services = createServices(cloud, {tokenCache: 'memory'});
  await services.signIn(
    'device-code',
    {},
    {onDeviceCode: (prompt) => sandbox.approveDeviceCode(prompt.userCode, 'owner')},
  );
  return services;
}

describe('the scale world', () => {
  it('reads SUBSCRIPTIONSxENDPOINTS and refuses anything else', () => {
    expect(parseWorldScale('300x2000')).toEqual({subscriptions: 300, endpoints: 2000});
    for (const bad of ['300', 'x2000', '300x', '3e2x10', '300*2000', '20000x1', '1x200000'])
      expect(() => parseWorldScale(bad), bad).toThrow(/SUBSCRIPTIONSxENDPOINTS/);
  });

  it('lists every endpoint of ws-scale, one page of 100 at a time, the items so far after each', async () => {
    const services = await signedInOwner();
    const workspaces = await services.listWorkspaces(subscriptionId(sandbox));
    const ws = workspaces.find((w) => w.name === 'ws-scale')!;
    expect(ws).toBeDefined();
    sandbox.clearRequests();
    const pages: number[] = [];
    let previous: readonly Endpoint[] = [];
    const all = await services.listEndpoints(ws, undefined, (soFar) => {
      // Each report holds everything before it, in order, and is a new array.
      expect(soFar.slice(0, previous.length)).toEqual(previous);
      expect(soFar).not.toBe(previous);
      previous = soFar;
      pages.push(soFar.length);
    });
    expect(pages).toEqual([100, 200, 250]);
    expect(all).toEqual(previous);
    expect(new Set(all.map((e) => e.endpoint)).size).toBe(250);
    expect(all[0]).toMatchObject({endpoint: 'scale-001', workspace: 'ws-scale'});
    const lists = sandbox
      .requests()
      .filter((r) => r.surface === 'arm' && r.path.includes('/onlineEndpoints'));
    expect(lists.map((r) => r.path.includes('skipToken'))).toEqual([false, true, true]);
  });

  it('gives the owner every subscription, streamed in pages too', async () => {
    const services = await signedInOwner();
    const pages: number[] = [];
    const subs: Subscription[] = await services.listSubscriptions(undefined, (soFar) =>
      pages.push(soFar.length),
    );
    expect(subs).toHaveLength(12);
    expect(pages.at(-1)).toBe(12);
    expect(subs.map((s) => s.displayName)).toContain('Sandbox Scale 10');
  });

  it('scores an endpoint of the scale world like any other', async () => {
    const services = await signedInOwner();
    const ref = {
      subscriptionId: subscriptionId(sandbox),
      resourceGroup: 'rg-ws-scale',
      workspace: 'ws-scale',
      endpoint: 'scale-003',
    };
    const endpoint = await services.getEndpoint(ref);
    expect(endpoint.authMode).toBe('key');
    const keys = await services.listKeys(ref);
    const result = await services.invoke({
      scoringUri: endpoint.scoringUri!,
      credential: keys.primaryKey,
      body: readFileSync(new URL('../../assets/sample-request.json', import.meta.url), 'utf8'),
    });
    expect(result.status).toBe(200);
  });
});
