import {AbortError} from '@azure/abort-controller';
import {createHttpHeaders, createPipelineRequest, RestError} from '@azure/core-rest-pipeline';
import {
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
} from '@azure/identity';
import {describe, expect, it} from 'vitest';
import {CloudError} from '../../source/azure/clouds';
import {
  redact,
  rolesForAction,
  ServiceError,
  toAppError,
  type ErrorContext,
} from '../../source/azure/errors';

const SUB = 'c56e867a-eda2-56a6-8c25-0df8dc14dfd4';
const OID = '8796c97f-c496-50b6-a8af-835f1065f47b';
const REQUEST_ID = '6c8efe03-ec84-48af-a7c0-2d3c8ec4adda';
const WS = `/subscriptions/${SUB}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;

/** A RestError as @azure/core-client throws it: status, code, parsed body in `details`, headers. */
function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {'x-ms-request-id': REQUEST_ID},
  extra: Record<string, unknown> = {},
) {
  const request = createPipelineRequest({url: `https://management.azure.com${WS}?api-version=x`});
  const err = new RestError(message, {
    code,
    statusCode: status,
    request,
    response: {status, headers: createHttpHeaders(headers), request},
  });
  err.details = {error: {code, message, ...extra}};
  return err;
}

const authorizationFailed = (action: string, scope: string) =>
  `The client 'scientist@contoso.sandbox' with object id '${OID}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;

const sandboxCloud: ErrorContext['cloud'] = {
  name: 'sandbox',
  custom: true,
  file: '/home/u/.sandbox/cloud.json',
  authorityHost: 'https://127.0.0.1:8443',
};

describe('Resource Manager errors', () => {
  it('403 AuthorizationFailed names the missing action, the scope and a role that grants it', () => {
    const scope = `${WS}/onlineEndpoints/ep1`;
    const action = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write';
    const e = toAppError(armError(403, 'AuthorizationFailed', authorizationFailed(action, scope)), {
      operation: 'create endpoint ep1',
    });
    expect(e).toMatchObject({
      kind: 'permission',
      status: 403,
      code: 'AuthorizationFailed',
      requestId: REQUEST_ID,
      title: "Can't create endpoint ep1: missing permission",
    });
    expect(e.detail).toContain('does not have authorization');
    expect(e.hint).toBe(
      `scientist@contoso.sandbox lacks '${action}' at ${scope}. Roles that grant it: AzureML Data Scientist, Contributor, Owner.`,
    );
    expect(e.nextSteps).toEqual([
      `Ask an Owner or User Access Administrator to assign "AzureML Data Scientist" to scientist@contoso.sandbox at ${WS}.`,
      `With the Azure CLI: az role assignment create --assignee ${OID} --role "AzureML Data Scientist" --scope ${WS}`,
      'If access was granted in the last few minutes, sign in again so your token carries it.',
    ]);
  });

  it('403 on listing workspaces of a subscription suggests Reader there', () => {
    const e = toAppError(
      armError(
        403,
        'AuthorizationFailed',
        authorizationFailed(
          'Microsoft.MachineLearningServices/workspaces/read',
          `/subscriptions/${SUB}`,
        ),
      ),
      {operation: 'list workspaces'},
    );
    expect(e.title).toBe("Can't list workspaces: missing permission");
    expect(e.nextSteps[0]).toContain(
      `"Reader" to scientist@contoso.sandbox at /subscriptions/${SUB}.`,
    );
  });

  it('LinkedAuthorizationFailed is read the same way', () => {
    const message = `The client has permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on scope '${WS}', however the current tenant is not authorized.`;
    const e = toAppError(armError(403, 'LinkedAuthorizationFailed', message));
    expect(e.kind).toBe('permission');
    expect(e.hint).toContain("'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'");
  });

  it('LinkedAuthorizationFailed names the linked action and resource, not the action the client has', () => {
    // Azure's recorded response (azure-sdk-for-js recording_workspace_create_test.json).
    const uai = `/subscriptions/${SUB}/resourceGroups/rg-ws-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/testuai`;
    const message = `The client '${OID}' with object id '${OID}' has permission to perform action 'Microsoft.MachineLearningServices/workspaces/write' on scope '${WS}'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${uai}' or the linked scope(s) are invalid.`;
    const e = toAppError(armError(403, 'LinkedAuthorizationFailed', message), {
      operation: 'create endpoint ep1',
    });
    expect(e).toMatchObject({
      kind: 'permission',
      status: 403,
      code: 'LinkedAuthorizationFailed',
      title: "Can't create endpoint ep1: missing permission on a linked resource",
    });
    expect(e.hint).toBe(
      `${OID} may perform 'Microsoft.MachineLearningServices/workspaces/write' at ${WS}, but the request also uses ${uai}, and ${OID} lacks 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' there. Roles that grant it: Managed Identity Operator, Contributor, Owner.`,
    );
    expect(e.nextSteps).toEqual([
      `Ask an Owner or User Access Administrator to assign "Managed Identity Operator" to ${OID} at ${uai}.`,
      `With the Azure CLI: az role assignment create --assignee ${OID} --role "Managed Identity Operator" --scope ${uai}`,
      'Or leave that resource out of the request.',
      'If access was granted in the last few minutes, sign in again so your token carries it.',
    ]);
    expect(e.nextSteps.join('\n')).not.toContain('AzureML Data Scientist');
  });

  it('LinkedAuthorizationFailed with two linked scopes gives a step for each', () => {
    const a = `${WS}/../x/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a`;
    const b = `${WS}/../x/providers/Microsoft.ManagedIdentity/userAssignedIdentities/b`;
    const message = `The client 'scientist@contoso.sandbox' with object id '${OID}' has permission to perform action 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write' on scope '${WS}/onlineEndpoints/ep1'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${a},${b}' or the linked scope(s) are invalid.`;
    const e = toAppError(armError(403, 'LinkedAuthorizationFailed', message));
    expect(e.nextSteps.filter((s) => s.startsWith('Ask an Owner'))).toEqual([
      `Ask an Owner or User Access Administrator to assign "Managed Identity Operator" to scientist@contoso.sandbox at ${a}.`,
      `Ask an Owner or User Access Administrator to assign "Managed Identity Operator" to scientist@contoso.sandbox at ${b}.`,
    ]);
  });

  it('a 403 without an action in the message still gives a next step', () => {
    const e = toAppError(armError(403, 'Forbidden', 'Access denied.'), {
      operation: 'list endpoints',
      scope: WS,
    });
    expect(e.kind).toBe('permission');
    expect(e.nextSteps[0]).toContain(WS);
  });

  it('401 ExpiredAuthenticationToken says to sign in again', () => {
    const e = toAppError(
      armError(
        401,
        'ExpiredAuthenticationToken',
        "The access token expiry UTC time '1/1/2026 10:00:00 AM' is earlier than current UTC time.",
      ),
      {operation: 'list subscriptions'},
    );
    expect(e).toMatchObject({kind: 'auth', status: 401, code: 'ExpiredAuthenticationToken'});
    expect(e.title).toBe('Your sign-in has expired');
    expect(e.nextSteps).toEqual(['Sign in again.']);
  });

  it('401 InvalidAuthenticationTokenTenant names the tenant to sign in to', () => {
    const e = toAppError(
      armError(
        401,
        'InvalidAuthenticationTokenTenant',
        "The access token is from the wrong issuer 'https://sts.windows.net/aaa/'. It must match the tenant 'https://sts.windows.net/bbbb-1111/' associated with this subscription.",
      ),
    );
    expect(e.nextSteps).toEqual(['Sign in again with tenant bbbb-1111.']);
  });

  it('404, 409, 429, 400 and 500 have their own kinds', () => {
    const notFound = toAppError(
      armError(404, 'ResourceNotFound', "The Resource 'x' was not found."),
      {operation: 'get endpoint x', scope: `${WS}/onlineEndpoints/x`},
    );
    expect(notFound).toMatchObject({kind: 'notFound', status: 404});
    expect(notFound.nextSteps[0]).toContain(`${WS}/onlineEndpoints/x`);

    expect(toAppError(armError(409, 'Conflict', 'busy')).kind).toBe('conflict');

    const throttled = toAppError(
      armError(429, 'TooManyRequests', 'slow down', {'retry-after': '7', 'x-ms-request-id': 'r1'}),
    );
    expect(throttled).toMatchObject({kind: 'throttled', requestId: 'r1'});
    expect(throttled.hint).toBe('Azure asked to wait 7 s.');

    const invalid = toAppError(
      armError(400, 'UserError', 'The endpoint name is not valid.', undefined, {
        details: [{code: 'Invalid', message: 'It must start with a letter.', target: 'name'}],
      }),
      {operation: 'create endpoint 1x'},
    );
    expect(invalid.kind).toBe('invalid');
    expect(invalid.title).toBe('Azure rejected the request to create endpoint 1x');
    expect(invalid.detail).toBe('The endpoint name is not valid. It must start with a letter.');

    const server = toAppError(armError(500, 'InternalServerError', 'oops'));
    expect(server.kind).toBe('unknown');
    expect(server.nextSteps.join(' ')).toContain(REQUEST_ID);
  });

  it('falls back to the correlation request ID', () => {
    const e = toAppError(armError(404, 'NotFound', 'x', {'x-ms-correlation-request-id': 'corr-1'}));
    expect(e.requestId).toBe('corr-1');
  });
});

describe('role assignment and role definition errors', () => {
  const AUTHZ = 'Microsoft.Authorization';

  it("403 on roleAssignments/write: you can't assign roles here, ask an admin of the workspace (no commands to hand here)", () => {
    // Azure names the request path as the scope: the assignment's own ID.
    const e = toAppError(
      armError(
        403,
        'AuthorizationFailed',
        authorizationFailed(
          `${AUTHZ}/roleAssignments/write`,
          `${WS}/providers/${AUTHZ}/roleAssignments/0b5c1c4e-8d0e-4c1f-9d7a-2f1e6b9c3a11`,
        ),
      ),
      {operation: 'assign the role to bob', scope: WS},
    );
    expect(e).toMatchObject({
      kind: 'permission',
      code: 'AuthorizationFailed',
      status: 403,
      title: "You can't assign roles here",
    });
    expect(e.hint).toContain(`${AUTHZ}/roleAssignments/write`);
    expect(e.nextSteps[0]).toBe(
      `Ask an Owner or User Access Administrator of ${WS} to assign the role for you (the roles step of \`aml-auth\` shows the exact commands for them).`,
    );
    // "Hand these commands" belongs with the commands, which an error does not carry.
    expect(e.nextSteps.join(' ')).not.toMatch(/hand the commands/i);
  });

  it('403 reading a role definition: the role is suggested at the subscription, not at the definition ID', () => {
    const sub = WS.split('/').slice(0, 3).join('/');
    const definition = `${sub}/providers/${AUTHZ}/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
    const e = toAppError(
      armError(
        403,
        'AuthorizationFailed',
        authorizationFailed(`${AUTHZ}/roleDefinitions/read`, definition),
      ),
    );
    expect(e.nextSteps[0]).toMatch(new RegExp(`assign "Reader" to .* at ${sub}\\.$`));
    expect(e.nextSteps.join(' ')).not.toContain(`at ${definition}`);
  });

  it("403 on roleDefinitions/write: you can't create custom roles here", () => {
    const e = toAppError(
      armError(
        403,
        'AuthorizationFailed',
        authorizationFailed(`${AUTHZ}/roleDefinitions/write`, WS),
      ),
    );
    expect(e.title).toBe("You can't create custom roles here");
    expect(e.kind).toBe('permission');
  });

  it('PrincipalNotFound explains object IDs and replication delay', () => {
    const e = toAppError(
      armError(
        400,
        'PrincipalNotFound',
        'Principal 1234 does not exist in the directory t. Check that you have the correct principal ID.',
      ),
    );
    expect(e).toMatchObject({kind: 'notFound', code: 'PrincipalNotFound', status: 400});
    expect(e.hint).toContain('not the application (client) ID');
    expect(e.nextSteps.join(' ')).toContain('wait a minute');
  });

  it('UnmatchedPrincipalType names both types', () => {
    const e = toAppError(
      armError(
        400,
        'UnmatchedPrincipalType',
        "The PrincipalId 'abc' has type 'ServicePrincipal' , which is different from specified PrinciaplType 'User'.",
      ),
    );
    expect(e).toMatchObject({
      kind: 'invalid',
      title: 'That principal is a ServicePrincipal, not a User',
      nextSteps: ['Choose the principal type ServicePrincipal and assign again.'],
    });
  });

  it('RoleAssignmentExists, RoleDefinitionWithSameNameExists and RoleDefinitionDoesNotExist', () => {
    expect(toAppError(armError(409, 'RoleAssignmentExists', 'exists')).title).toBe(
      'This role assignment already exists',
    );
    const same = toAppError(armError(409, 'RoleDefinitionWithSameNameExists', 'same name'));
    expect(same).toMatchObject({
      kind: 'conflict',
      title: 'A custom role with this name already exists',
    });
    const missing = toAppError(armError(400, 'RoleDefinitionDoesNotExist', 'no such role'));
    expect(missing).toMatchObject({
      kind: 'notFound',
      title: 'That role is not available at this scope',
    });
  });
});

describe('transport errors', () => {
  it('a DNS failure inside a RestError names the host', () => {
    const request = createPipelineRequest({
      url: 'https://management.chinacloudapi.cn/subscriptions',
    });
    const err = new RestError('getaddrinfo ENOTFOUND management.chinacloudapi.cn', {
      code: 'ENOTFOUND',
      request,
    });
    const e = toAppError(err, {operation: 'list subscriptions'});
    expect(e).toMatchObject({kind: 'network', code: 'ENOTFOUND'});
    expect(e.title).toBe("Couldn't list subscriptions: cannot resolve management.chinacloudapi.cn");
    expect(e.nextSteps[1]).toMatch(/--cloud/);
  });

  it('a refused connection to a custom cloud says to start it', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 8443,
    });
    const e = toAppError(err, {operation: 'sign in', cloud: sandboxCloud});
    expect(e.title).toBe("Couldn't sign in: nothing answers at 127.0.0.1:8443");
    expect(e.nextSteps[0]).toContain('/home/u/.sandbox/cloud.json');
  });

  it('an untrusted certificate on a custom cloud points at caCertFile in its file', () => {
    const request = createPipelineRequest({url: 'https://127.0.0.1:8443/subscriptions'});
    const err = new RestError('self-signed certificate in certificate chain', {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
      request,
    });
    const e = toAppError(err, {operation: 'list subscriptions', cloud: sandboxCloud});
    expect(e.kind).toBe('network');
    expect(e.title).toBe(
      "Couldn't list subscriptions: the TLS certificate of 127.0.0.1:8443 is not trusted",
    );
    expect(e.hint).toContain('caCertFile option of the cloud file (/home/u/.sandbox/cloud.json)');
    expect(e.nextSteps).toContain('Certificate checks are never switched off.');
  });

  it('with a caCertFile already set, the hint says that CA did not verify the host (stale?)', () => {
    const err = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    const e = toAppError(err, {
      operation: 'sign in',
      host: '127.0.0.1:8443',
      cloud: {...sandboxCloud, caCertFile: '/home/u/.sandbox/ca.pem'},
    });
    expect(e.hint).toBe(
      'The CA in caCertFile (/home/u/.sandbox/ca.pem) did not verify 127.0.0.1:8443.',
    );
    expect(e.nextSteps[0]).toMatch(/stale/);
  });

  it('an untrusted certificate on a public cloud suggests a proxy CA', () => {
    const err = Object.assign(new Error('self signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const e = toAppError(err, {
      operation: 'sign in',
      host: 'login.microsoftonline.com',
      cloud: {name: 'AzureCloud', custom: false},
    });
    expect(e.nextSteps[0]).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it('a reset connection found through `cause` is a network error', () => {
    const cause = Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
    const e = toAppError(new Error('request failed', {cause}), {
      operation: 'list workspaces',
      host: 'management.azure.com',
    });
    expect(e).toMatchObject({kind: 'network', code: 'ECONNRESET'});
    expect(e.title).toContain('management.azure.com');
  });
});

describe('Microsoft Entra errors', () => {
  const body = (code: number, error: string, text: string) => ({
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: 2b7a\r\nCorrelation ID: 4e1f7c0a-1111-2222-3333-444455556666\r\nTimestamp: 2026-01-01 10:00:00Z`,
    error_codes: [code],
    correlation_id: '4e1f7c0a-1111-2222-3333-444455556666',
  });

  it('AADSTS7000215: a wrong client secret', () => {
    const err = new AuthenticationError(
      401,
      body(7000215, 'invalid_client', 'Invalid client secret provided.'),
    );
    const e = toAppError(err, {operation: 'sign in'});
    expect(e).toMatchObject({
      kind: 'auth',
      code: 'AADSTS7000215',
      status: 401,
      title: 'The client secret is wrong',
      detail: 'Invalid client secret provided.',
      requestId: '4e1f7c0a-1111-2222-3333-444455556666',
    });
    expect(e.hint).toMatch(/value, not its ID/);
  });

  it('AADSTS700016 from the message MSAL leaves in an AuthenticationRequiredError', () => {
    const err = new AuthenticationRequiredError({
      scopes: ['https://management.azure.com/.default'],
      message:
        "unauthorized_client: Error(s): 700016 - Timestamp: 2026-11-27 07:01:27Z - Description: AADSTS700016: Application with identifier 'abc' was not found in the directory 'contoso'. Trace ID: d0a5 Correlation ID: 51590250-df4d-4e78-ace3-960433f4996e Timestamp: 2026-11-27 07:01:27Z - Correlation ID: 51590250-df4d-4e78-ace3-960433f4996e - Trace ID: d0a5",
    });
    const e = toAppError(err);
    expect(e).toMatchObject({
      kind: 'auth',
      code: 'AADSTS700016',
      title: 'The application was not found in this tenant',
      detail: "Application with identifier 'abc' was not found in the directory 'contoso'.",
      requestId: '51590250-df4d-4e78-ace3-960433f4996e',
    });
  });

  it('a throttled or failing token endpoint is the service, not the sign-in details', () => {
    const cloud = {name: 'local', custom: true, authorityHost: 'https://127.0.0.1:8443'};
    const throttled = toAppError(
      new AuthenticationError(429, {
        error: 'temporarily_unavailable',
        error_description: 'The request is being throttled.',
      }),
      {operation: 'sign in', cloud},
    );
    expect(throttled).toMatchObject({
      kind: 'throttled',
      status: 429,
      title: 'Microsoft Entra ID at 127.0.0.1:8443 is throttling sign-ins (429)',
      nextSteps: ['Wait a moment and try again.'],
    });
    expect(throttled.nextSteps.join(' ')).not.toMatch(/sign-in details \(/);
    const failing = toAppError(
      new AuthenticationError(503, {error: 'temporarily_unavailable', error_description: 'Down.'}),
      {operation: 'sign in', cloud},
    );
    expect(failing).toMatchObject({
      kind: 'unknown',
      title: 'Microsoft Entra ID at 127.0.0.1:8443 failed (503)',
    });
    // A known AADSTS code keeps its own explanation whatever the status.
    const known = toAppError(
      new AuthenticationError(
        500,
        body(7000215, 'invalid_client', 'Invalid client secret provided.'),
      ),
      {operation: 'sign in', cloud},
    );
    expect(known.title).toBe('The client secret is wrong');
  });

  it('AADSTS90002: an unknown tenant, naming the cloud', () => {
    const err = new AuthenticationError(
      400,
      body(90002, 'invalid_request', "Tenant 'x' not found."),
    );
    const e = toAppError(err, {
      operation: 'sign in',
      cloud: {name: 'AzureUSGovernment', custom: false},
    });
    expect(e.title).toBe('The tenant was not found');
    expect(e.hint).toBe('The tenant does not exist in AzureUSGovernment.');
  });

  it('AADSTS70020 and expired_token: the device code expired', () => {
    const err = new AuthenticationError(
      400,
      body(70020, 'expired_token', 'This device code has expired.'),
    );
    expect(toAppError(err).title).toBe('The device code expired before it was used');
    const msal = new AuthenticationRequiredError({
      scopes: [],
      message: 'post_request_failed: expired_token',
    });
    expect(toAppError(msal)).toMatchObject({code: 'AADSTS70020', kind: 'auth'});
  });

  it('a declined device code', () => {
    const msal = new AuthenticationRequiredError({
      scopes: [],
      message: 'post_request_failed: authorization_declined',
    });
    expect(toAppError(msal)).toMatchObject({
      code: 'AADSTS70019',
      title: 'The sign-in request was declined',
    });
  });

  it('an unknown AADSTS code keeps Azure words and code', () => {
    const err = new AuthenticationError(400, body(12345, 'invalid_request', 'Something odd.'));
    expect(toAppError(err, {operation: 'sign in'})).toMatchObject({
      code: 'AADSTS12345',
      title: 'Sign-in failed (sign in)',
      detail: 'Something odd.',
    });
  });
});

describe('unavailable credentials', () => {
  it('Azure CLI not installed → install it or choose another method', () => {
    const err = new CredentialUnavailableError(
      "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
    );
    const e = toAppError(err, {operation: 'sign in', method: 'cli'});
    expect(e).toMatchObject({kind: 'auth', title: 'The Azure CLI is not installed'});
    expect(e.nextSteps[1]).toMatch(/another sign-in method/);
  });

  it('Azure CLI not logged in → run az login (and register a custom cloud)', () => {
    const err = new CredentialUnavailableError(
      "Please run 'az login' from a command prompt to authenticate before using this credential.",
    );
    expect(toAppError(err).nextSteps[0]).toBe('Run `az login`, then sign in again here.');
    expect(toAppError(err, {operation: 'sign in', cloud: sandboxCloud}).nextSteps[0]).toMatch(
      /az cloud register/,
    );
  });

  it('environment and managed identity', () => {
    const env = new CredentialUnavailableError(
      'EnvironmentCredential is unavailable. No underlying credential could be used.',
    );
    expect(toAppError(env).nextSteps[0]).toMatch(/AZURE_TENANT_ID and AZURE_CLIENT_ID/);
    const mi = new CredentialUnavailableError(
      'ManagedIdentityCredential: Attempted to use the IMDS endpoint, but it is not available.',
    );
    expect(toAppError(mi).title).toBe('No managed identity is available here');
  });

  it('endpoints_resolution_error names the authority', () => {
    const err = new CredentialUnavailableError(
      'endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details',
    );
    const e = toAppError(err, {operation: 'sign in', cloud: sandboxCloud});
    expect(e.code).toBe('endpoints_resolution_error');
    expect(e.title).toBe("Couldn't reach the sign-in service at https://127.0.0.1:8443");
  });

  it('the DefaultAzureCredential chain lists each failure', () => {
    const err = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError('EnvironmentCredential is unavailable.'),
        new CredentialUnavailableError("Please run 'az login' from a command prompt."),
      ],
      'ChainedTokenCredential authentication failed.',
    );
    const e = toAppError(err);
    expect(e.kind).toBe('auth');
    expect(e.detail).toBe(
      "EnvironmentCredential is unavailable. | Please run 'az login' from a command prompt.",
    );
  });
});

describe('everything else', () => {
  it('an AbortError is a cancellation', () => {
    expect(
      toAppError(new AbortError('The operation was aborted.'), {operation: 'list workspaces'}),
    ).toMatchObject({kind: 'cancelled', title: 'Cancelled: list workspaces', nextSteps: []});
  });

  it('a CloudError is bad input', () => {
    const e = toAppError(new CloudError("cloud file /x.json: missing field 'mlScope'", '/x.json'));
    expect(e).toMatchObject({
      kind: 'invalid',
      detail: "cloud file /x.json: missing field 'mlScope'",
    });
  });

  it('a ServiceError passes through unchanged', () => {
    const appError = {kind: 'conflict' as const, title: 't', detail: 'd', nextSteps: ['n']};
    expect(toAppError(new ServiceError(appError))).toBe(appError);
  });

  it('anything else is unknown, with its message', () => {
    expect(
      toAppError(new TypeError('x is not a function'), {operation: 'list workspaces'}),
    ).toMatchObject({
      kind: 'unknown',
      title: "Couldn't list workspaces",
      detail: 'x is not a function',
    });
    expect(toAppError('plain string').detail).toBe('plain string');
  });

  it('keeps the original error for --debug without serialising it', () => {
    const original = armError(404, 'NotFound', 'gone');
    const e = toAppError(original);
    expect(e.cause).toBe(original);
    expect(Object.keys(e)).not.toContain('cause');
    expect(JSON.stringify(e)).not.toContain('"cause"');
  });
});

describe('no secret or token ever reaches the output', () => {
  const token =
    'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlc2ln';
  const secret = 'Q~s3cr3t-Value_abc';

  it('redacts JWTs, bearer values, form secrets and given secrets', () => {
    const text = `Authorization: Bearer ${token} client_secret=${secret}&scope=x device_code=DC123 ${secret}`;
    const out = redact(text, [secret]);
    expect(out).not.toContain(token);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('DC123');
    expect(out).toContain('Bearer [redacted]');
    expect(out).toContain('client_secret=[redacted]');
  });

  it('toAppError redacts every text field', () => {
    const e = toAppError(
      armError(400, 'BadRequest', `The token ${token} with secret ${secret} is bad.`),
      {operation: 'sign in', secrets: [secret]},
    );
    const json = JSON.stringify(e);
    expect(json).not.toContain(token);
    expect(json).not.toContain(secret);
    expect(e.detail).toBe('The token [token] with secret [secret] is bad.');
  });
});

describe('rolesForAction', () => {
  it.each([
    [
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
      'AzureML Data Scientist',
    ],
    [
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action',
      'AzureML Data Scientist',
    ],
    ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read', 'Reader'],
    ['Microsoft.MachineLearningServices/workspaces/write', 'Contributor'],
    ['Microsoft.MachineLearningServices/workspaces/listKeys/action', 'Contributor'],
    ['Microsoft.Authorization/roleAssignments/write', 'User Access Administrator'],
    ['Microsoft.Authorization/roleDefinitions/write', 'User Access Administrator'],
    ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Reader'],
    ['Microsoft.Storage/storageAccounts/write', 'Contributor'],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', 'Managed Identity Operator'],
  ])('%s → %s first', (action, role) => {
    expect(rolesForAction(action)[0]).toBe(role);
  });
});

describe('interactive sign-in that can no longer refresh', () => {
  it('asks to sign in again instead of prompting in the middle of a screen', () => {
    const err = new AuthenticationRequiredError({
      scopes: ['https://management.azure.com/.default'],
      message:
        'Automatic authentication has been disabled. You may call the authentication() method.',
    });
    expect(toAppError(err, {operation: 'refresh the management token'})).toMatchObject({
      kind: 'auth',
      code: 'AuthenticationRequired',
      title: 'Your sign-in needs to be renewed',
      nextSteps: ['Sign in again.'],
    });
  });
});
