import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {createServices} from '../../source/azure/services';
import type {Services} from '../../source/domain/services';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

// Resource Manager refuses a token as expired that looks valid to MSAL (here: the sandbox's clock
// moved 2 h on; in Azure: a skewed clock or a revoked session). The next call gets a fresh token
// and goes through; later calls use the fresh one straight away.

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.stop());

const label = (r: {method: string; path: string; status: number}) =>
  `${r.method} ${r.path.replace(/\?.*/, '').replace(/^\/[^/]+\/oauth2\/v2\.0\/token$/, 'token')} ${r.status}`;

async function servicePrincipal(): Promise<Services> {
  const services = createServices(await resolveCloud(sandbox.descriptor.cloudFile));
  const ops = principal(sandbox, 'ops-automation');
  await services.signIn(
    'service-principal',
    {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
    {},
  );
  return services;
}

describe('a token Resource Manager calls expired', () => {
  it('is replaced by a fresh one, once, and the call succeeds; later calls send the fresh one', async () => {
    sandbox.reset();
    const services = await servicePrincipal();
    expect((await services.listSubscriptions()).map((s) => s.displayName)).toEqual(['Sandbox Dev']);
    sandbox.advanceClock(2 * 3600_000);
    sandbox.clearRequests();
    expect((await services.listSubscriptions()).map((s) => s.displayName)).toEqual(['Sandbox Dev']);
    expect(sandbox.requests().map(label)).toEqual([
      'GET /subscriptions 401',
      'POST token 200',
      'GET /subscriptions 200',
    ]);
    // Another client (another subscription's ML client) and the same one again: no 401 first.
    sandbox.clearRequests();
    await services.listWorkspaces(subscriptionId(sandbox));
    await services.listSubscriptions();
    expect(sandbox.requests().map(label)).toEqual([
      `GET /subscriptions/${subscriptionId(sandbox)}/providers/Microsoft.MachineLearningServices/workspaces 200`,
      'GET /subscriptions 200',
    ]);
  });

  it('a user signed in with a device code gets one from the refresh token, without a new code', async () => {
    sandbox.reset();
    const services = createServices(await resolveCloud(sandbox.descriptor.cloudFile));
    let codes = 0;
    await services.signIn(
      'device-code',
      {},
      {
        onDeviceCode: (p) => {
          codes++;
          sandbox.approveDeviceCode(p.userCode, 'owner');
        },
      },
    );
    await services.listSubscriptions();
    sandbox.advanceClock(2 * 3600_000);
    sandbox.clearRequests();
    const subs = await services.listSubscriptions();
    expect(subs.map((s) => s.displayName).sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
    expect(sandbox.requests().map(label)).toEqual([
      'GET /subscriptions 401',
      'POST token 200',
      'GET /subscriptions 200',
    ]);
    expect(codes).toBe(1);
  });
});
