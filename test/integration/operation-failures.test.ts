import {afterEach, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import type {AppError, EndpointRef} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

// A long-running create or update that fails, and one whose following fails though the endpoint
// is fine: after an operation error the app re-reads the endpoint and reports what is true.

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function setUp(provisioningDelayMs: number) {
  sandbox = await startTestSandbox({provisioningDelayMs});
  const services = createServices(await resolveCloud(sandbox.descriptor.cloudFile), {
    pollIntervalMs: 50,
  });
  const ops = principal(sandbox, 'ops-automation');
  await services.signIn(
    'service-principal',
    {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
    {},
  );
  const ref = (endpoint: string): EndpointRef => ({
    subscriptionId: subscriptionId(sandbox!),
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    endpoint,
  });
  return {box: sandbox, services, ref};
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

const input = {location: 'eastus', authMode: 'key', identityType: 'None'} as const;

describe('an operation that ends Failed', () => {
  it('a create: the operation error in words, the endpoint re-read as Failed, the way out', async () => {
    const {box, services, ref} = await setUp(200);
    box.failNextOperations(1, {
      code: 'ResourceNotReady',
      message: 'No capacity for Standard_DS3_v2 in eastus.',
    });
    const error = await failure(services.createEndpoint(ref('doomed'), input, () => undefined));
    expect(error).toMatchObject({
      code: 'OperationFailed',
      title: 'Creating doomed failed: it is now in state Failed',
      nextSteps: [
        'Delete doomed (aml-auth endpoints delete --name doomed) and create it again, or choose another endpoint.',
      ],
    });
    expect(error.detail).toContain('No capacity for Standard_DS3_v2 in eastus.');
    // What the error says is what Azure shows.
    expect((await services.getEndpoint(ref('doomed'))).provisioningState).toBe('Failed');
    // The knob is spent: the next create succeeds.
    expect(
      (await services.createEndpoint(ref('fine'), input, () => undefined)).provisioningState,
    ).toBe('Succeeded');
  });

  it('an auth-mode update: Failed, with the change to try again', async () => {
    const {box, services, ref} = await setUp(200);
    const loan = await services.getEndpoint(ref('loan-aml'));
    box.failNextOperations(1);
    const error = await failure(services.setAuthMode(loan, 'key', () => undefined));
    expect(error.title).toBe('Updating loan-aml failed: it is now in state Failed');
    expect(error.detail).toContain('injected by the sandbox admin API');
    expect(error.nextSteps).toEqual(['Try the change again; loan-aml is left in state Failed.']);
  });
});

describe('following an operation fails, the endpoint does not', () => {
  it(
    'it finished meanwhile: reported as done, not as a failed create',
    {timeout: 30_000},
    async () => {
      // The operation takes a second; every status read after the PUT fails (500) past the SDK's
      // three retries, which take longer than that.
      const {box, services, ref} = await setUp(1_000);
      const created = services.createEndpoint(ref('survivor'), input, () => undefined);
      // The PUT is accepted; then the polls fail four times (the SDK retries three).
      for (let i = 0; i < 200 && !box.requests().some((r) => r.method === 'PUT'); i++)
        await new Promise((r) => setTimeout(r, 5));
      box.setFaults('arm:500:next=4');
      const endpoint = await created;
      expect(endpoint.provisioningState).toBe('Succeeded');
      expect(box.requests().filter((r) => r.status === 500)).toHaveLength(4);
      // Trying again would have said it exists: it does, and it is what was asked for.
      expect((await services.getEndpoint(ref('survivor'))).authMode).toBe('key');
    },
  );

  it('still running: says so, and that it is still being created', {timeout: 30_000}, async () => {
    const {box, services, ref} = await setUp(30_000);
    const created = services.createEndpoint(ref('slow'), input, () => undefined);
    for (let i = 0; i < 200 && !box.requests().some((r) => r.method === 'PUT'); i++)
      await new Promise((r) => setTimeout(r, 5));
    box.setFaults('arm:500:next=4');
    const error = await failure(created);
    expect(error).toMatchObject({
      code: 'OperationInProgress',
      title: 'Lost track of slow while it is Creating',
    });
    expect(error.nextSteps).toEqual([
      'Wait for it to finish: choose it again from the endpoint list to follow it.',
    ]);
  });
});

describe('a DELETE while the endpoint is being created', () => {
  it('is refused (409), and the create finishes as it would: the endpoint does not come back from the dead', async () => {
    const {box, services, ref} = await setUp(1_000);
    const created = services.createEndpoint(ref('busy'), input, () => undefined);
    for (let i = 0; i < 200 && !box.requests().some((r) => r.method === 'PUT'); i++)
      await new Promise((r) => setTimeout(r, 5));
    const error = await failure(services.deleteEndpoint(ref('busy'), () => undefined));
    expect(error.status).toBe(409);
    expect(error.detail).toContain(
      "Cannot delete endpoint 'busy' because it is in Creating provisioning state. Wait for the current operation to finish.",
    );
    expect((await created).provisioningState).toBe('Succeeded');
    // Once it is done, the delete goes through and the endpoint is gone for good.
    await services.deleteEndpoint(ref('busy'), () => undefined);
    expect((await failure(services.getEndpoint(ref('busy')))).kind).toBe('notFound');
  });
});
