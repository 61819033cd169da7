import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {createAdmin, findPrincipal, handleAdmin, type SandboxAdmin} from './admin';
import {slowClientLimits} from './limits';
export {SLOW_CLIENT_DEFAULTS} from './limits';
import {handleArm} from './arm';
import {generateCertificates, generateClientCertificate} from './certs';
import {Clock} from './clock';
import type {RequestLogEntry, SandboxContext} from './context';
import {FaultInjector, parseFaults} from './faults';
import {Exchange, type Surface} from './http';
import {handleGraph, isGraphPath} from './graph';
import {handleIdentity, MSI_PATH} from './identity';
import {TokenSigner} from './jwt';
import {handleScoring} from './scoring';
import {handleLogAnalytics, LOG_ANALYTICS_AUDIENCE, LOG_ANALYTICS_PATH} from './monitor';
import {seedWorld, userAssignedIdentityId, type World, type WorldScale} from './world';

export interface SandboxOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Where to write `ca.pem` and `cloud.json`; default: a new private temporary folder. */
  dir?: string;
  /** Entra and Azure ML token lifetime; default about an hour (Entra) and a day (Azure ML). */
  tokenLifetimeMs?: number;
  /** Approve device codes automatically as this user (`true`: the owner) after `autoApproveDelayMs`. */
  autoApprove?: string | boolean;
  autoApproveDelayMs?: number;
  /** Fault spec, see faults.ts (`arm:429:next=2,scoring:latency=300ms`). */
  faults?: string;
  /** How long create/update/delete/regenerate operations take; default 3 s. */
  provisioningDelayMs?: number;
  /** Items per page of ARM lists; default 100. */
  pageSize?: number;
  /** How long a traffic-log row takes to reach Log Analytics queries; default 3 s. */
  ingestionDelayMs?: number;
  /** Seed a large world (see WorldScale) for the scale benchmarks. */
  scale?: WorldScale;
  /**
   * Slow clients. A request whose headers have not all arrived after `headersTimeoutMs`
   * (default 30 s), or that has not arrived whole (body included) after `requestTimeoutMs`
   * (default 120 s), is answered 408 and its connection closed; connections are checked every
   * `connectionsCheckingIntervalMs` (default 1 s; Node's own 30 s would let a trickle run on).
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  connectionsCheckingIntervalMs?: number;
}

export interface SandboxPrincipalInfo {
  kind: 'user' | 'servicePrincipal';
  name: string;
  objectId: string;
  clientId?: string;
  clientSecret?: string;
  /** A PEM with the certificate and its private key (mode 0600), for certificate sign-in. */
  certificateFile?: string;
}

/** The service principal that also has a certificate credential. */
export const CERTIFICATE_PRINCIPAL = 'ops-automation';

/** A managed identity's service principal: it gets tokens from the identity endpoint, not Entra. */
export interface SandboxManagedIdentityInfo {
  kind: 'systemAssigned' | 'userAssigned';
  name: string;
  objectId: string;
  clientId: string;
  /** The `Microsoft.ManagedIdentity/userAssignedIdentities` resource, user-assigned only. */
  resourceId?: string;
}

/** The cloud file: a generic custom cloud plus what the sandbox adds for tests and demos. */
export interface SandboxDescriptor {
  name: 'sandbox';
  resourceManagerEndpoint: string;
  authorityHost: string;
  managementScope: string;
  mlScope: string;
  /** A sliver of Microsoft Graph v1.0 over the sandbox directory (source/sandbox/graph.ts). */
  graphEndpoint: string;
  /** The Log Analytics query API (`{endpoint}/v1/workspaces/{id}/query`) and its token scope. */
  logAnalyticsEndpoint: string;
  logAnalyticsScope: string;
  tenantId: string;
  caCertFile: string;
  cloudFile: string;
  adminToken: string;
  deviceLoginUrl: string;
  principals: SandboxPrincipalInfo[];
  /**
   * The App Service style managed identity endpoint: set `IDENTITY_ENDPOINT` and
   * `IDENTITY_HEADER` to these and ManagedIdentityCredential signs in as `managedIdentities`.
   */
  identityEndpoint: string;
  identityHeader: string;
  managedIdentities: SandboxManagedIdentityInfo[];
  subscriptions: {subscriptionId: string; displayName: string}[];
  pid: number;
}

export interface RunningSandbox extends SandboxAdmin {
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  readonly descriptor: SandboxDescriptor;
  /** Requests received so far (admin calls excluded), oldest first. */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  stop(): Promise<void>;
  /**
   * Removes the files `stop()` would (the folder it created, or the cloud and CA files),
   * synchronously: for a process about to exit on a signal, when there is no time to close the
   * server. The cloud file holds client secrets and the admin token.
   */
  removeFilesSync(): void;
}

const DEFAULT_ENTRA_SECONDS = 3599;
const DEFAULT_AML_SECONDS = 86_400;

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const faultRules = parseFaults(options.faults ?? '');
  const limits = slowClientLimits(options);
  const [certs, entraSigner, amlSigner, clientCertificate] = await Promise.all([
    generateCertificates(),
    TokenSigner.create('entra'),
    TokenSigner.create('aml'),
    generateClientCertificate(CERTIFICATE_PRINCIPAL),
  ]);
  const lifetimeSeconds =
    options.tokenLifetimeMs === undefined
      ? undefined
      : Math.max(1, Math.round(options.tokenLifetimeMs / 1000));
  const ctx: SandboxContext = {
    world: seedWorld(options.scale),
    clock: new Clock(),
    baseUrl: '',
    adminToken: randomBytes(24).toString('base64url'),
    entraSigner,
    amlSigner,
    lifetimes: {
      entraSeconds: lifetimeSeconds ?? DEFAULT_ENTRA_SECONDS,
      amlSeconds: lifetimeSeconds ?? DEFAULT_AML_SECONDS,
    },
    provisioningDelayMs: options.provisioningDelayMs ?? 3000,
    pageSize: options.pageSize ?? 100,
    autoApprove: undefined,
    autoApproveDelayMs: options.autoApproveDelayMs ?? 1000,
    deviceCodes: new Map(),
    refreshTokens: new Map(),
    authorizationCodes: new Map(),
    faults: new FaultInjector(),
    scoringInFlight: new Map(),
    log: [],
    timers: new Set(),
    clientCertificates: new Map(),
    identityHeader: randomBytes(24).toString('base64url'),
    ingestionDelayMs: options.ingestionDelayMs ?? 3000,
    failingOperations: {count: 0, error: {code: 'InternalServerError', message: ''}},
    tokensValidFrom: new Map(),
  };
  const certificatePrincipal = ctx.world.principals.find((p) => p.name === CERTIFICATE_PRINCIPAL)!;
  ctx.clientCertificates.set(certificatePrincipal.clientId!.toLowerCase(), clientCertificate);
  ctx.faults.set(faultRules);
  if (options.autoApprove) {
    const who = options.autoApprove === true ? 'owner' : options.autoApprove;
    const p = findPrincipal(ctx, who);
    if (!p || p.kind !== 'user') throw new Error(`--auto-approve: '${who}' is not a sandbox user`);
    ctx.autoApprove = p;
  }

  const reset = () => {
    const secrets = new Map(ctx.world.principals.map((p) => [p.objectId, p.clientSecret]));
    const world: World = seedWorld(options.scale);
    for (const p of world.principals) p.clientSecret = secrets.get(p.objectId) ?? p.clientSecret;
    ctx.world = world;
    ctx.deviceCodes.clear();
    ctx.refreshTokens.clear();
    ctx.authorizationCodes.clear();
    ctx.scoringInFlight.clear();
    ctx.clock.reset();
    ctx.faults.set([]);
    ctx.failingOperations.count = 0;
    ctx.tokensValidFrom.clear();
    ctx.log.length = 0;
  };
  const admin = createAdmin(ctx, reset);
  let seq = 0;
  // Filled in once the port is known; the admin API reads it through this holder.
  const published: {descriptor?: SandboxDescriptor} = {};

  const server: Server = createServer(
    {key: certs.keyPem, cert: certs.certPem, ...limits},
    (req, res) => {
      const ex = new Exchange(req, res, ctx.baseUrl);
      const surface = surfaceOf(ex.path);
      const started = Date.now();
      if (surface !== 'admin') {
        res.once('close', () => {
          ctx.log.push({
            seq: ++seq,
            time: new Date(ctx.clock.now()).toISOString(),
            surface,
            method: ex.method,
            path: ex.url.pathname + ex.url.search,
            status: res.headersSent ? res.statusCode : 0,
            caller: ex.caller,
            durationMs: Date.now() - started,
          });
          if (ctx.log.length > 10_000) ctx.log.splice(0, ctx.log.length - 10_000);
        });
      }
      dispatch(ctx, ex, surface, admin, () => published.descriptor).catch((err: unknown) => {
        internalError(ex, surface, err);
      });
    },
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // A request that did not arrive in time (headersTimeout, requestTimeout): 408, as Node and
    // front ends answer it; the connection closes either way. A response already begun is cut.
    const begun = (socket as {_httpMessage?: {headersSent?: boolean}})._httpMessage?.headersSent;
    if (!socket.writable || begun) socket.destroy();
    else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  // Sockets a client keeps alive must not hold the process open after stop().
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `https://127.0.0.1:${port}`;

  const createdDir = options.dir === undefined;
  const dir = options.dir
    ? resolve(options.dir)
    : await mkdtemp(join(tmpdir(), 'aml-auth-sandbox-'));
  // A folder we made is private; a folder the user named keeps its own mode.
  if (createdDir) await chmod(dir, 0o700);
  else await mkdir(dir, {recursive: true, mode: 0o700});
  const caCertFile = join(dir, 'ca.pem');
  const cloudFile = join(dir, 'cloud.json');
  const certificateFile = join(dir, `${CERTIFICATE_PRINCIPAL}.pem`);
  const descriptor: SandboxDescriptor = {
    name: 'sandbox',
    resourceManagerEndpoint: `${ctx.baseUrl}/`,
    authorityHost: ctx.baseUrl,
    managementScope: 'https://management.azure.com/.default',
    mlScope: 'https://ml.azure.com/.default',
    graphEndpoint: `${ctx.baseUrl}/`,
    logAnalyticsEndpoint: `${ctx.baseUrl}${LOG_ANALYTICS_PATH}`,
    logAnalyticsScope: `${LOG_ANALYTICS_AUDIENCE}/.default`,
    tenantId: ctx.world.tenantId,
    caCertFile,
    cloudFile,
    adminToken: ctx.adminToken,
    deviceLoginUrl: `${ctx.baseUrl}/devicelogin`,
    principals: ctx.world.principals
      .filter((p) => !p.managedIdentity)
      .map((p) => ({
        kind: p.kind,
        name: p.name,
        objectId: p.objectId,
        ...(p.clientId ? {clientId: p.clientId, clientSecret: p.clientSecret} : {}),
        ...(p === certificatePrincipal ? {certificateFile} : {}),
      })),
    identityEndpoint: `${ctx.baseUrl}${MSI_PATH}`,
    identityHeader: ctx.identityHeader,
    managedIdentities: ctx.world.principals.flatMap((p) => {
      if (!p.managedIdentity) return [];
      const resource = ctx.world.userAssignedIdentities.find((u) => u.principalId === p.objectId);
      return [
        {
          kind: p.managedIdentity,
          name: p.name,
          objectId: p.objectId,
          clientId: p.clientId!,
          ...(resource ? {resourceId: userAssignedIdentityId(resource)} : {}),
        },
      ];
    }),
    subscriptions: ctx.world.subscriptions.map((s) => ({
      subscriptionId: s.subscriptionId,
      displayName: s.displayName,
    })),
    pid: process.pid,
  };
  published.descriptor = descriptor;
  await writeFile(caCertFile, certs.caPem, {mode: 0o644});
  // The cloud file holds the sandbox's own throwaway client secrets and admin token: owner-only.
  await writeFile(cloudFile, JSON.stringify(descriptor, null, 2) + '\n', {mode: 0o600});
  // `mode` applies only to a new file: an existing cloud.json is tightened too.
  await chmod(cloudFile, 0o600);
  // The certificate's private key: the same owner-only rule.
  await writeFile(certificateFile, clientCertificate.pem, {mode: 0o600});
  await chmod(certificateFile, 0o600);

  let stopped: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    port,
    caPem: certs.caPem,
    descriptor,
    requests: () => [...ctx.log],
    clearRequests: () => {
      ctx.log.length = 0;
    },
    ...admin,
    stop() {
      stopped ??= (async () => {
        for (const t of ctx.timers) clearTimeout(t);
        ctx.timers.clear();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        if (createdDir) await rm(dir, {recursive: true, force: true});
        else
          await Promise.all(
            [cloudFile, caCertFile, certificateFile].map((f) => rm(f, {force: true})),
          );
      })();
      return stopped;
    },
    removeFilesSync() {
      if (createdDir) rmSync(dir, {recursive: true, force: true});
      else for (const file of [cloudFile, caCertFile]) rmSync(file, {force: true});
    },
  };
}

const IDENTITY_PATH = /^\/[^/]+\/(v2\.0|oauth2|discovery)(\/|$)/i;

function surfaceOf(path: string): Surface {
  if (path.startsWith('/__sandbox/') || path === '/__sandbox') return 'admin';
  if (path.startsWith('/inference/')) return 'scoring';
  if (path.toLowerCase().startsWith(`${LOG_ANALYTICS_PATH}/`)) return 'logs';
  if (
    path === '/devicelogin' ||
    path.toLowerCase() === MSI_PATH ||
    /^\/adfs(\/|$)/i.test(path) ||
    IDENTITY_PATH.test(path)
  )
    return 'identity';
  return 'arm';
}

async function dispatch(
  ctx: SandboxContext,
  ex: Exchange,
  surface: Surface,
  admin: SandboxAdmin,
  descriptor: () => SandboxDescriptor | undefined,
): Promise<void> {
  if (surface === 'admin') {
    await handleAdmin(ctx, ex, admin, descriptor);
    return;
  }
  let latencyMs = 0;
  for (const fault of ctx.faults.pick(surface)) {
    if (fault.type === 'latency') latencyMs += fault.ms;
    else if (fault.type === 'drop') {
      ex.req.socket.destroy();
      return;
    } else {
      if (latencyMs && surface !== 'scoring') await delay(latencyMs);
      sendFault(ex, surface, fault.status, fault.retryAfterSeconds);
      return;
    }
  }
  if (latencyMs && surface !== 'scoring') await delay(latencyMs);
  if (surface === 'scoring') {
    if (!(await handleScoring(ctx, ex, latencyMs))) notFound(ex);
  } else if (surface === 'identity') {
    if (!(await handleIdentity(ctx, ex))) notFound(ex);
  } else if (isGraphPath(ex.path)) {
    handleGraph(ctx, ex);
  } else if (surface === 'logs') {
    if (!(await handleLogAnalytics(ctx, ex))) notFound(ex);
  } else {
    await handleArm(ctx, ex);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STATUS_TEXT: Record<number, [string, string]> = {
  429: [
    'TooManyRequests',
    'The request is being throttled. Retry after the time in the Retry-After header.',
  ],
  500: [
    'InternalServerError',
    'The server encountered an internal error. Please retry the request.',
  ],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request.'],
};

function sendFault(
  ex: Exchange,
  surface: Surface,
  status: 429 | 500 | 503,
  retryAfter: number,
): void {
  const [code, message] = STATUS_TEXT[status]!;
  const headers: Record<string, string> = {'x-ms-request-id': ex.requestId};
  if (status !== 500) headers['retry-after'] = String(retryAfter);
  if (surface === 'identity') {
    ex.json(
      status,
      {
        error: status === 429 ? 'temporarily_unavailable' : 'server_error',
        error_description: `AADSTS50196: ${message}`,
        error_codes: [50196],
      },
      headers,
    );
  } else if (surface === 'arm' || surface === 'logs') {
    ex.json(status, {error: {code, message}}, headers);
  } else {
    ex.send(status, message, {
      ...headers,
      'x-request-id': ex.requestId,
      'azureml-model-deployment': '',
      'content-type': 'text/plain; charset=utf-8',
    });
  }
}

function notFound(ex: Exchange): void {
  ex.json(
    404,
    {error: {code: 'NotFound', message: `Nothing is served at '${ex.path}'.`}},
    {'x-ms-request-id': ex.requestId},
  );
}

function internalError(ex: Exchange, surface: Surface, err: unknown): void {
  if (process.env.AML_AUTH_SANDBOX_DEBUG) console.error(err);
  if (ex.res.headersSent) {
    ex.res.destroy();
    return;
  }
  const message = 'The sandbox hit an internal error handling this request.';
  if (surface === 'identity') ex.json(500, {error: 'server_error', error_description: message});
  else
    ex.json(
      500,
      {error: {code: 'InternalServerError', message}},
      {'x-ms-request-id': ex.requestId},
    );
}

export type {RequestLogEntry} from './context';
