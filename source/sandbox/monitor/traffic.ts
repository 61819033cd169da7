/**
 * The traffic log: every scoring request to an endpoint whose diagnostic settings send
 * `AmlOnlineEndpointTrafficLog` to a Log Analytics workspace becomes a row there, visible to
 * queries after the ingestion delay. The scoring gateway makes one call (`traceScoring`) per
 * request and fills in what it learns; the row is written when the response is finished.
 */
import type {SandboxContext} from '../context';
import type {Exchange} from '../http';
import {newGuid, normalizeScope} from '../util';
import type {Endpoint, World} from '../world';
import {
  CATEGORY_GROUPS,
  type DiagnosticSetting,
  type LogAnalyticsWorkspace,
  logAnalyticsWorkspaceId,
  MAX_RECORDS,
  type MonitorState,
  seedWorkspace,
  TRAFFIC_TABLE,
  type TrafficRecord,
} from './state';

/** What the scoring gateway learns about one request while it handles it. */
export interface ScoringTrace {
  endpoint?: Endpoint;
  deployment?: string;
  /** The caller's object ID (JWT `oid`) when the credential is a token. */
  identity?: string;
  /** Why the gateway refused or failed the request (its reason code). */
  reason?: string;
  /** The response headers as sent (lower-case names). */
  headers: Record<string, string>;
}

const traces = new WeakMap<Exchange, ScoringTrace>();

/** The trace of a scoring request (made on first use). */
export function traceOf(ex: Exchange): ScoringTrace {
  let t = traces.get(ex);
  if (!t) {
    t = {headers: {}};
    traces.set(ex, t);
  }
  return t;
}

/** Starts tracing a scoring request; the row is appended when the response finishes. */
export function traceScoring(ctx: SandboxContext, ex: Exchange): ScoringTrace {
  const trace = traceOf(ex);
  const startedAt = ctx.clock.now();
  const started = performance.now();
  // The gateway sends its headers with writeHead (not setHeader): keep a copy for the row.
  const res = ex.res;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null);
    if (headers && !Array.isArray(headers)) {
      for (const [k, v] of Object.entries(headers as Record<string, unknown>))
        trace.headers[k.toLowerCase()] = String(v);
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
  res.once('finish', () => {
    if (!trace.endpoint) return;
    const total = Math.max(0, Math.round(performance.now() - started));
    appendTraffic(ctx, trace.endpoint, recordFor(ctx, ex, trace, startedAt, total));
  });
  return trace;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  424: 'Failed Dependency',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export const endpointResourceId = (e: Endpoint): string =>
  `/subscriptions/${e.subscriptionId}/resourceGroups/${e.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${e.workspace}/onlineEndpoints/${e.name}`;

function recordFor(
  ctx: SandboxContext,
  ex: Exchange,
  trace: ScoringTrace,
  startedAt: number,
  totalMs: number,
): TrafficRecord {
  const e = trace.endpoint!;
  const res = ex.res;
  const status = res.statusCode;
  const header = (name: string) => trace.headers[name] ?? '';
  const modelCode = header('ms-azureml-model-error-statuscode');
  const reachedModel = status === 200 || status === 424;
  const requestMs = Math.min(totalMs, Math.round(totalMs / 4));
  return trafficRecord(ctx.world, e, {
    time: startedAt,
    deployment: trace.deployment ?? '',
    method: ex.method,
    path: ex.url.pathname.replace(/^\/inference\/[^/]+/i, '') || '/',
    requestId: header('x-request-id') || newGuid(),
    clientRequestId: ex.header('x-ms-client-request-id') ?? '',
    userAgent: ex.header('user-agent') ?? '',
    status,
    reason: trace.reason ?? REASONS[status] ?? String(status),
    modelStatus: reachedModel ? (modelCode ? Number(modelCode) : 200) : null,
    modelReason: reachedModel ? (modelCode ? header('ms-azureml-model-error-reason') : 'OK') : '',
    requestBytes: Number(ex.header('content-length') ?? 0) || 0,
    responseBytes: Number(header('content-length')) || 0,
    identity: trace.identity ?? '',
    totalMs,
    requestMs,
    responseMs: reachedModel ? totalMs - requestMs : 0,
  });
}

export interface TrafficFacts {
  time: number;
  deployment: string;
  method: string;
  path: string;
  requestId: string;
  clientRequestId: string;
  userAgent: string;
  status: number;
  reason: string;
  modelStatus: number | null;
  modelReason: string;
  requestBytes: number;
  responseBytes: number;
  identity: string;
  totalMs: number;
  requestMs: number;
  responseMs: number;
}

/** One row with every column of the table, from what happened. */
export function trafficRecord(world: World, e: Endpoint, f: TrafficFacts): TrafficRecord {
  const ws = world.workspaces.find(
    (w) =>
      w.subscriptionId === e.subscriptionId &&
      w.resourceGroup.toLowerCase() === e.resourceGroup.toLowerCase() &&
      w.name.toLowerCase() === e.workspace.toLowerCase(),
  );
  return {
    TimeGenerated: new Date(f.time).toISOString(),
    TenantId: '',
    Location: e.location,
    OperationName: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score',
    AzureMLWorkspaceId: ws?.workspaceId ?? '',
    AzureMLWorkspaceName: e.workspace,
    EndpointName: e.name,
    DeploymentName: f.deployment,
    Protocol: 'HTTP/1.1',
    Method: f.method,
    Path: f.path,
    XRequestId: f.requestId,
    XMSClientRequestId: f.clientRequestId,
    UserAgent: f.userAgent,
    ResponseCode: f.status,
    ResponseCodeReason: f.reason,
    ModelStatusCode: f.modelStatus,
    ModelStatusReason: f.modelReason,
    RequestPayloadSize: f.requestBytes,
    ResponsePayloadSize: f.responseBytes,
    AuthType: e.authMode,
    IdentityData: f.identity,
    TotalDurationMs: f.totalMs,
    RequestDurationMs: f.requestMs,
    ResponseDurationMs: f.responseMs,
    RequestThrottlingDelayMs: 0,
    ResponseThrottlingDelayMs: 0,
    SourceSystem: 'Azure',
    Type: TRAFFIC_TABLE,
    _ResourceId: endpointResourceId(e).toLowerCase(),
    _SubscriptionId: e.subscriptionId,
  };
}

/** True when the setting sends the traffic log to a Log Analytics workspace. */
export function sendsTrafficLog(s: DiagnosticSetting): boolean {
  if (!s.workspaceId) return false;
  return s.logs.some(
    (l) =>
      l.enabled &&
      (l.category === TRAFFIC_TABLE ||
        (l.categoryGroup !== undefined &&
          (CATEGORY_GROUPS[l.categoryGroup] ?? []).includes(TRAFFIC_TABLE))),
  );
}

export function workspaceByResourceId(
  m: MonitorState,
  id: string,
): LogAnalyticsWorkspace | undefined {
  const wanted = normalizeScope(id);
  return m.workspaces.find((w) => normalizeScope(logAnalyticsWorkspaceId(w)) === wanted);
}

/** The workspaces the endpoint's traffic log goes to now. */
export function trafficDestinations(m: MonitorState, e: Endpoint): LogAnalyticsWorkspace[] {
  const rid = normalizeScope(endpointResourceId(e));
  const out = new Set<LogAnalyticsWorkspace>();
  for (const s of m.settings) {
    if (normalizeScope(s.resourceId) !== rid || !sendsTrafficLog(s)) continue;
    const w = workspaceByResourceId(m, s.workspaceId!);
    if (w) out.add(w);
  }
  return [...out];
}

function appendTraffic(ctx: SandboxContext, e: Endpoint, record: TrafficRecord): void {
  const m = ctx.world.monitor;
  const visibleAt = ctx.clock.now() + ctx.ingestionDelayMs;
  for (const w of trafficDestinations(m, e)) {
    m.records.push({
      customerId: w.customerId,
      visibleAt,
      record: {...record, TenantId: w.customerId},
    });
  }
  if (m.records.length > MAX_RECORDS) m.records.splice(0, m.records.length - MAX_RECORDS);
}

/**
 * The seeded monitor: `law-dev` in the dev subscription, and `churn-scorer` already sending its
 * traffic log there with a little history (key callers carry no identity; one wrong key, one
 * model error), so the traffic log has something to show on first open.
 */
export function seedMonitor(world: Omit<World, 'monitor'>, now = Date.now()): MonitorState {
  const dev = world.workspaces.find((w) => w.name === 'ws-dev')!;
  const law = seedWorkspace(dev.subscriptionId, dev.resourceGroup, dev.location);
  const churn = world.endpoints.find((e) => e.name === 'churn-scorer')!;
  const setting: DiagnosticSetting = {
    resourceId: endpointResourceId(churn),
    name: 'traffic-to-law-dev',
    workspaceId: logAnalyticsWorkspaceId(law),
    logs: [
      {category: 'AmlOnlineEndpointTrafficLog', enabled: true},
      {category: 'AmlOnlineEndpointConsoleLog', enabled: false},
      {category: 'AmlOnlineEndpointEventLog', enabled: false},
    ],
    metrics: [],
  };
  const history: [number, string, number, string, number | null, string][] = [
    [52, 'blue', 200, 'OK', 200, 'OK'],
    [41, 'blue', 200, 'OK', 200, 'OK'],
    [33, 'green', 200, 'OK', 200, 'OK'],
    [24, 'blue', 401, 'key_auth_access_denied', null, ''],
    [17, 'blue', 424, 'Failed Dependency', 400, 'model_error'],
    [9, 'blue', 200, 'OK', 200, 'OK'],
  ];
  const records = history.map(
    ([minutesAgo, deployment, status, reason, model, modelReason], i) => ({
      customerId: law.customerId,
      visibleAt: 0,
      record: {
        ...trafficRecord(world as World, churn, {
          time: now - minutesAgo * 60_000,
          deployment,
          method: 'POST',
          path: '/score',
          requestId: newGuid(),
          clientRequestId: '',
          userAgent: 'python-requests/2.32.3',
          status,
          reason,
          modelStatus: model,
          modelReason,
          requestBytes: 118,
          responseBytes: status === 200 ? 46 : 32,
          identity: '',
          totalMs: 20 + i * 3,
          requestMs: 2,
          responseMs: model === null ? 0 : 16 + i * 3,
        }),
        TenantId: law.customerId,
      },
    }),
  );
  return {workspaces: [law], settings: [setting], records};
}
