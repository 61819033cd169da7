import {ClientSecretCredential, DeviceCodeCredential, type TokenCredential} from '@azure/identity';
import {rootCertificates} from 'node:tls';
import {startSandbox, type RunningSandbox, type SandboxOptions} from '../../source/sandbox';

/** A sandbox for one test file: fast operations, small pages so paging is exercised. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({provisioningDelayMs: 200, ...options});
}

/** TLS trust for the sandbox only: the system roots plus its CA, never verification switched off. */
export function tlsOptions(sandbox: RunningSandbox) {
  return {ca: [...rootCertificates, sandbox.caPem].join('\n')};
}

/** Options every @azure/identity credential needs to talk to a custom authority. */
export function credentialOptions(sandbox: RunningSandbox) {
  return {
    authorityHost: sandbox.descriptor.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: tlsOptions(sandbox),
    retryOptions: {maxRetries: 0},
  };
}

/** Options every @azure/arm-* client needs to talk to the sandbox's Resource Manager. */
export function armOptions(sandbox: RunningSandbox) {
  return {
    endpoint: sandbox.descriptor.resourceManagerEndpoint,
    credentialScopes: [sandbox.descriptor.managementScope],
    tlsOptions: tlsOptions(sandbox),
  };
}

export function principal(sandbox: RunningSandbox, name: string) {
  const p = sandbox.descriptor.principals.find(
    (x) => x.name === name || x.name.startsWith(`${name}@`),
  );
  if (!p) throw new Error(`no sandbox principal ${name}`);
  return p;
}

export function servicePrincipalCredential(
  sandbox: RunningSandbox,
  name: string,
): ClientSecretCredential {
  const p = principal(sandbox, name);
  return new ClientSecretCredential(
    sandbox.descriptor.tenantId,
    p.clientId!,
    p.clientSecret!,
    credentialOptions(sandbox),
  );
}

/** A device-code sign-in as a sandbox user, approved through the admin API as a person would. */
export function userCredential(sandbox: RunningSandbox, user: string): TokenCredential {
  return new DeviceCodeCredential({
    ...credentialOptions(sandbox),
    tenantId: sandbox.descriptor.tenantId,
    userPromptCallback: (info) => {
      sandbox.approveDeviceCode(info.userCode, user);
    },
  });
}

export const subscriptionId = (sandbox: RunningSandbox, name = 'Sandbox Dev') =>
  sandbox.descriptor.subscriptions.find((s) => s.displayName === name)!.subscriptionId;

/** Raw HTTPS to the sandbox with its CA (for scoring and wire-level checks). */
export async function request(
  sandbox: RunningSandbox,
  url: string,
  init: {method?: string; headers?: Record<string, string>; body?: string | Buffer} = {},
): Promise<{status: number; headers: Record<string, string>; text: string; json: () => unknown}> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(
      url.startsWith('http') ? url : `${sandbox.url}${url}`,
      {method: init.method ?? 'GET', headers: init.headers, ca: sandbox.caPem},
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          resolve({status: res.statusCode ?? 0, headers, text, json: () => JSON.parse(text)});
        });
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** A bearer token for a service principal or user, straight from the token endpoint. */
export async function tokenFor(
  sandbox: RunningSandbox,
  name: string,
  scope = 'https://management.azure.com/.default',
): Promise<string> {
  const p = principal(sandbox, name);
  const credential =
    p.kind === 'user' ? userCredential(sandbox, name) : servicePrincipalCredential(sandbox, name);
  const token = await credential.getToken(scope);
  if (!token) throw new Error('no token');
  return token.token;
}
