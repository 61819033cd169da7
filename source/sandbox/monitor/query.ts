/**
 * The Log Analytics query API (`POST {endpoint}/v1/workspaces/{workspaceId}/query`, as
 * `api.loganalytics.io` serves it): Entra tokens for the Log Analytics audience, RBAC on the
 * workspace (`…/workspaces/query/read`), the KQL subset of kql.ts over the rows the workspace
 * holds, and the service's own error bodies.
 */
import type {SandboxContext} from '../context';
import {BodyTooLarge, type Exchange} from '../http';
import {JwtError} from '../jwt';
import {isAllowed, principalById} from '../rbac';
import {type ColumnType, KqlError, parseQuery, runQuery, type Row} from './kql';
import {logAnalyticsWorkspaceId, TRAFFIC_TABLE, type TrafficRecord} from './state';

/** Where the sandbox serves the query API (its Log Analytics endpoint is `{base}/loganalytics`). */
export const LOG_ANALYTICS_PATH = '/loganalytics';
export const LOG_ANALYTICS_AUDIENCE = 'https://api.loganalytics.io';
export const QUERY_READ = 'Microsoft.OperationalInsights/workspaces/query/read';

const INT = new Set([
  'ResponseCode',
  'ModelStatusCode',
  'RequestPayloadSize',
  'ResponsePayloadSize',
  'TotalDurationMs',
  'RequestDurationMs',
  'ResponseDurationMs',
  'RequestThrottlingDelayMs',
  'ResponseThrottlingDelayMs',
]);

/** The table's columns and their types, as in the Azure Monitor table reference. */
export const TRAFFIC_SCHEMA: {name: keyof TrafficRecord; type: ColumnType}[] = (
  [
    'TenantId',
    'TimeGenerated',
    'Location',
    'OperationName',
    'AzureMLWorkspaceId',
    'AzureMLWorkspaceName',
    'EndpointName',
    'DeploymentName',
    'Protocol',
    'Method',
    'Path',
    'XRequestId',
    'XMSClientRequestId',
    'UserAgent',
    'ResponseCode',
    'ResponseCodeReason',
    'ModelStatusCode',
    'ModelStatusReason',
    'RequestPayloadSize',
    'ResponsePayloadSize',
    'AuthType',
    'IdentityData',
    'TotalDurationMs',
    'RequestDurationMs',
    'ResponseDurationMs',
    'RequestThrottlingDelayMs',
    'ResponseThrottlingDelayMs',
    'SourceSystem',
    'Type',
    '_ResourceId',
    '_SubscriptionId',
  ] as (keyof TrafficRecord)[]
).map((name) => ({
  name,
  type: name === 'TimeGenerated' ? 'datetime' : INT.has(name) ? 'int' : 'string',
}));

class QueryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly inner?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function send(ex: Exchange, status: number, body: unknown): void {
  ex.json(status, body, {'x-ms-request-id': ex.requestId});
}

function sendError(ex: Exchange, err: QueryApiError): void {
  const error: Record<string, unknown> = {
    message: err.message,
    code: err.code,
    correlationId: ex.requestId,
  };
  if (err.inner) error.innererror = err.inner;
  send(ex, err.status, {error});
}

/** A query timespan: `PT1H`, `P1D`, `start/end` or `start/duration` (ISO 8601). */
export function parseTimespan(raw: string, now: number): {from: number; to: number} | undefined {
  const duration = (d: string): number | undefined => {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(d);
    if (!m || d.toUpperCase() === 'P' || d.toUpperCase() === 'PT') return undefined;
    return (
      (Number(m[1] ?? 0) * 86_400 +
        Number(m[2] ?? 0) * 3600 +
        Number(m[3] ?? 0) * 60 +
        Number(m[4] ?? 0)) *
      1000
    );
  };
  const parts = raw.split('/');
  if (parts.length === 1) {
    const ms = duration(parts[0]!);
    return ms === undefined ? undefined : {from: now - ms, to: now};
  }
  if (parts.length !== 2) return undefined;
  const start = Date.parse(parts[0]!);
  if (Number.isNaN(start)) return undefined;
  const end = Date.parse(parts[1]!);
  if (!Number.isNaN(end)) return {from: start, to: end};
  const ms = duration(parts[1]!);
  return ms === undefined ? undefined : {from: start, to: start + ms};
}

function authenticateQuery(ctx: SandboxContext, ex: Exchange) {
  const header = ex.header('authorization');
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) {
    throw new QueryApiError(
      401,
      'AuthorizationRequiredError',
      'Valid authentication was not provided',
    );
  }
  let claims;
  try {
    claims = ctx.entraSigner.verify(m[1]!, ctx.clock.nowSeconds());
  } catch (err) {
    throw new QueryApiError(
      403,
      'InvalidTokenError',
      err instanceof JwtError && err.reason === 'expired'
        ? 'The provided authentication is not valid for this resource: the token has expired'
        : 'The provided authentication is not valid for this resource',
    );
  }
  const aud = String(claims.aud ?? '').replace(/\/+$/, '');
  if (aud !== LOG_ANALYTICS_AUDIENCE) {
    throw new QueryApiError(
      403,
      'InvalidTokenError',
      `The provided authentication is not valid for this resource: the token audience is '${aud}', the query API needs a token for ${LOG_ANALYTICS_AUDIENCE}`,
    );
  }
  const principal = principalById(ctx.world, String(claims.oid ?? ''));
  if (!principal)
    throw new QueryApiError(
      403,
      'InvalidTokenError',
      'The provided authentication is not valid for this resource',
    );
  ex.caller = principal.name;
  return principal;
}

/** Serves the query API; returns false when the path is not ours. */
export async function handleLogAnalytics(ctx: SandboxContext, ex: Exchange): Promise<boolean> {
  const m = /^\/loganalytics\/v1\/workspaces\/([^/]+)\/query$/i.exec(ex.path);
  if (!ex.path.toLowerCase().startsWith(LOG_ANALYTICS_PATH)) return false;
  try {
    if (!m) {
      throw new QueryApiError(404, 'PathNotFoundError', `The requested path does not exist`);
    }
    if (ex.method !== 'POST' && ex.method !== 'GET') {
      throw new QueryApiError(
        405,
        'MethodNotAllowed',
        `Method ${ex.method} is not allowed; use POST.`,
      );
    }
    const principal = authenticateQuery(ctx, ex);
    const w = ctx.world.monitor.workspaces.find(
      (x) => x.customerId.toLowerCase() === m[1]!.toLowerCase(),
    );
    // A workspace the caller may not query looks the same as one that does not exist.
    if (!w || !isAllowed(ctx.world, principal.objectId, QUERY_READ, logAnalyticsWorkspaceId(w))) {
      throw new QueryApiError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      );
    }
    let query: string | undefined;
    let timespan: string | undefined;
    if (ex.method === 'GET') {
      query = ex.url.searchParams.get('query') ?? undefined;
      timespan = ex.url.searchParams.get('timespan') ?? undefined;
    } else {
      let body: unknown;
      try {
        body = JSON.parse((await ex.body(1024 * 1024)).toString('utf8'));
      } catch (err) {
        if (err instanceof BodyTooLarge) throw err;
        throw new QueryApiError(400, 'BadArgumentError', 'The request body is not valid JSON');
      }
      const b = (body ?? {}) as {query?: unknown; timespan?: unknown};
      query = typeof b.query === 'string' ? b.query : undefined;
      timespan = typeof b.timespan === 'string' ? b.timespan : undefined;
    }
    if (!query?.trim()) {
      throw new QueryApiError(
        400,
        'BadArgumentError',
        "The request had some invalid properties: 'query' is required",
      );
    }
    const now = ctx.clock.now();
    const span = timespan ? parseTimespan(timespan, now) : undefined;
    if (timespan && !span) {
      throw new QueryApiError(
        400,
        'BadArgumentError',
        `The timespan '${timespan}' is not a valid ISO 8601 interval or duration`,
      );
    }
    const table = run(ctx, w.customerId, query, now, span);
    send(ex, 200, {tables: [{name: 'PrimaryResult', ...table}]});
  } catch (err) {
    if (err instanceof QueryApiError) sendError(ex, err);
    else if (err instanceof BodyTooLarge)
      sendError(
        ex,
        new QueryApiError(413, 'PayloadTooLargeError', 'The request body is too large'),
      );
    else throw err;
  }
  return true;
}

function run(
  ctx: SandboxContext,
  customerId: string,
  query: string,
  now: number,
  span: {from: number; to: number} | undefined,
) {
  try {
    const parsed = parseQuery(query, now);
    if (parsed.table !== TRAFFIC_TABLE) {
      throw new KqlError(
        'SemanticError',
        'SEM0100',
        `'${parsed.table}': Failed to resolve table or column expression named '${parsed.table}' (the sandbox holds ${TRAFFIC_TABLE} only)`,
      );
    }
    const rows: Row[] = ctx.world.monitor.records
      .filter((r) => r.customerId === customerId && r.visibleAt <= now)
      .map((r) => r.record as unknown as Row)
      .filter((r) => {
        if (!span) return true;
        const t = Date.parse(String(r.TimeGenerated));
        return t >= span.from && t <= span.to;
      });
    return runQuery(parsed, TRAFFIC_SCHEMA, rows);
  } catch (err) {
    if (!(err instanceof KqlError)) throw err;
    const detail: Record<string, unknown> = {code: err.code, message: err.message};
    if (err.line !== undefined)
      Object.assign(detail, {line: err.line, pos: err.pos, token: err.token});
    throw new QueryApiError(400, 'BadArgumentError', 'The request had some invalid properties', {
      code: err.kind,
      message:
        err.kind === 'SyntaxError'
          ? 'A recognition error occurred in the query.'
          : 'A semantic error occurred.',
      innererror: detail,
    });
  }
}
