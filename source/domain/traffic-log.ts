/**
 * Traffic logs: the endpoint's diagnostic settings (who sends `AmlOnlineEndpointTrafficLog`
 * where), the KQL the app runs against the Log Analytics workspace, and what its rows say
 * (which identity called with which auth type, and what it got). Pure rules, no I/O.
 */
import {toWireAuthMode} from './auth-mode';
import type {AuthMode, AuthModeWire} from './types';

export const TRAFFIC_LOG_TABLE = 'AmlOnlineEndpointTrafficLog';
/** The categories an online endpoint's diagnostic settings can send. */
export const ENDPOINT_LOG_CATEGORIES = [
  TRAFFIC_LOG_TABLE,
  'AmlOnlineEndpointConsoleLog',
  'AmlOnlineEndpointEventLog',
] as const;
/** Category groups and what they hold for an online endpoint. */
const CATEGORY_GROUPS: Record<string, readonly string[]> = {
  allLogs: ENDPOINT_LOG_CATEGORIES,
  audit: [TRAFFIC_LOG_TABLE],
};
/** The name of the diagnostic setting this app creates. */
export const TRAFFIC_SETTING_NAME = 'aml-auth-traffic-log';

/** The RBAC actions behind the traffic log (for the preflight and 403 explanations). */
export const QUERY_ACTION = 'Microsoft.OperationalInsights/workspaces/query/read';
export const DIAGNOSTIC_WRITE_ACTION = 'Microsoft.Insights/diagnosticSettings/write';

/** `AppError.code` when the endpoint sends its traffic log nowhere (kind notFound). */
export const TRAFFIC_LOG_OFF = 'TrafficLogOff';
/** `AppError.code` when the cloud has no Log Analytics endpoint (kind invalid). */
export const NO_LOG_ANALYTICS = 'NoLogAnalyticsEndpoint';

export interface LogAnalyticsWorkspaceInfo {
  /** The ARM resource ID (what a diagnostic setting's `workspaceId` holds). */
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  /** The workspace ID the query API takes (`properties.customerId`). */
  customerId: string;
}

export interface DiagnosticSettingInfo {
  name: string;
  /** The Log Analytics workspace's resource ID, if the setting sends there. */
  workspaceResourceId?: string;
  /** Other destinations, named for display (storage account, event hub). */
  otherDestinations: string[];
  /** Every category of the endpoint and whether this setting sends it (groups expanded). */
  categories: {category: string; enabled: boolean}[];
}

export interface TrafficLoggingStatus {
  settings: DiagnosticSettingInfo[];
  /** True when some setting sends the traffic log to a Log Analytics workspace. */
  on: boolean;
  /** The workspaces (resource IDs) that receive the traffic log. */
  destinations: string[];
}

/** The log settings as Azure returns them (category or category group, enabled). */
export interface WireLogSetting {
  category?: string | null;
  categoryGroup?: string | null;
  enabled: boolean;
}

/** Which categories a setting's logs send, with category groups expanded. */
export function sentCategories(logs: WireLogSetting[]): Set<string> {
  const out = new Set<string>();
  for (const l of logs) {
    if (!l.enabled) continue;
    if (l.category) out.add(l.category);
    else if (l.categoryGroup) for (const c of CATEGORY_GROUPS[l.categoryGroup] ?? []) out.add(c);
  }
  return out;
}

export function loggingStatus(settings: DiagnosticSettingInfo[]): TrafficLoggingStatus {
  const destinations = new Set<string>();
  for (const s of settings) {
    const traffic = s.categories.some((c) => c.category === TRAFFIC_LOG_TABLE && c.enabled);
    if (traffic && s.workspaceResourceId) destinations.add(s.workspaceResourceId);
  }
  return {settings, on: destinations.size > 0, destinations: [...destinations]};
}

export interface TrafficLogFilter {
  /** How far back, in milliseconds (15 min, 1 h, 24 h in the screen). */
  sinceMs: number;
  failuresOnly?: boolean;
  authType?: AuthMode;
  /** An object ID (JWT `oid`), as `IdentityData` holds it. */
  identity?: string;
  /** An `x-request-id` from a scoring response. */
  requestId?: string;
  /** At most this many rows (default 100). */
  take?: number;
}

/** The time windows the screen cycles through. */
export const SINCE_CHOICES: readonly {label: string; ms: number}[] = [
  {label: '15 min', ms: 15 * 60_000},
  {label: '1 h', ms: 3_600_000},
  {label: '24 h', ms: 86_400_000},
];

/** `15m`, `1h`, `24h`, `2d`, `90s` → milliseconds; undefined when not a duration. */
export function parseSince(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(s|m|min|h|d)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n <= 0) return undefined;
  const unit = m[2]!.toLowerCase();
  const ms = unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : unit === 'd' ? 86_400_000 : 60_000;
  return n * ms;
}

/** The KQL timespan literal for a window: `15m`, `1h`, `24h`, `90s`. */
export function kqlTimespan(ms: number): string {
  if (ms % 86_400_000 === 0 && ms >= 2 * 86_400_000) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.ceil(ms / 1000)}s`;
}

/** An ISO 8601 duration for the query API's `timespan` (`PT1H`, `PT15M`, `PT90S`). */
export function isoDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s % 3600 === 0) return `PT${s / 3600}H`;
  if (s % 60 === 0) return `PT${s / 60}M`;
  return `PT${s}S`;
}

/** A KQL string literal. */
export const kqlString = (s: string): string =>
  `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]/g, ' ')}"`;

export const TRAFFIC_COLUMNS = [
  'TimeGenerated',
  'DeploymentName',
  'Method',
  'Path',
  'ResponseCode',
  'ResponseCodeReason',
  'AuthType',
  'IdentityData',
  'ModelStatusCode',
  'ModelStatusReason',
  'TotalDurationMs',
  'RequestDurationMs',
  'ResponseDurationMs',
  'XRequestId',
  'XMSClientRequestId',
] as const;

function wherePart(endpoint: string, f: TrafficLogFilter): string[] {
  const lines = [
    TRAFFIC_LOG_TABLE,
    `| where TimeGenerated > ago(${kqlTimespan(f.sinceMs)})`,
    `| where EndpointName == ${kqlString(endpoint)}`,
  ];
  if (f.failuresOnly) lines.push('| where ResponseCode != 200');
  if (f.authType) lines.push(`| where AuthType == ${kqlString(toWireAuthMode(f.authType))}`);
  if (f.identity) lines.push(`| where IdentityData =~ ${kqlString(f.identity)}`);
  if (f.requestId) lines.push(`| where XRequestId =~ ${kqlString(f.requestId)}`);
  return lines;
}

/** The query for the rows: the one the screen shows and `c` copies, ready for the Logs blade. */
export function trafficQuery(endpoint: string, f: TrafficLogFilter): string {
  return [
    ...wherePart(endpoint, f),
    `| project ${TRAFFIC_COLUMNS.join(', ')}`,
    '| order by TimeGenerated desc',
    `| take ${f.take ?? 100}`,
  ].join('\n');
}

/** The query for the summary line: every matching request, counted. */
export function summaryQuery(endpoint: string, f: TrafficLogFilter): string {
  return [
    ...wherePart(endpoint, f),
    '| summarize count() by AuthType, IdentityData, ResponseCode',
  ].join('\n');
}

export interface TrafficLogRow {
  time: string;
  deployment: string;
  method: string;
  path: string;
  responseCode: number;
  responseCodeReason: string;
  authType: string;
  /** The caller's object ID (`IdentityData`); empty for key callers. */
  identity: string;
  /** The principal's name, when the app knows the object ID. */
  identityName?: string;
  modelStatusCode: number | null;
  modelStatusReason: string;
  durationMs: number;
  requestDurationMs: number;
  responseDurationMs: number;
  requestId: string;
  clientRequestId: string;
}

export interface TrafficSummary {
  total: number;
  failures: number;
  byAuthType: {authType: string; count: number}[];
  byIdentity: {identity: string; name?: string; count: number}[];
}

export interface TrafficLogResult {
  workspace: LogAnalyticsWorkspaceInfo;
  kql: string;
  rows: TrafficLogRow[];
  summary: TrafficSummary;
}

export const isFailure = (code: number): boolean => code !== 200;

/** A column value as a string (`null` → ''). */
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : str(v));

/** A result row (column name → value) as a traffic-log row. */
export function toTrafficRow(
  r: Record<string, unknown>,
  names: Map<string, string>,
): TrafficLogRow {
  const identity = str(r.IdentityData);
  const name = identity ? names.get(identity.toLowerCase()) : undefined;
  return {
    time: iso(r.TimeGenerated),
    deployment: str(r.DeploymentName),
    method: str(r.Method),
    path: str(r.Path),
    responseCode: num(r.ResponseCode) ?? 0,
    responseCodeReason: str(r.ResponseCodeReason),
    authType: str(r.AuthType),
    identity,
    ...(name ? {identityName: name} : {}),
    modelStatusCode: num(r.ModelStatusCode),
    modelStatusReason: str(r.ModelStatusReason),
    durationMs: num(r.TotalDurationMs) ?? 0,
    requestDurationMs: num(r.RequestDurationMs) ?? 0,
    responseDurationMs: num(r.ResponseDurationMs) ?? 0,
    requestId: str(r.XRequestId),
    clientRequestId: str(r.XMSClientRequestId),
  };
}

/** The summary from `summarize count() by AuthType, IdentityData, ResponseCode` rows. */
export function summarizeCounts(
  counts: {authType: string; identity: string; responseCode: number; count: number}[],
  names: Map<string, string>,
): TrafficSummary {
  const byAuth = new Map<string, number>();
  const byIdentity = new Map<string, number>();
  let total = 0;
  let failures = 0;
  for (const c of counts) {
    total += c.count;
    if (isFailure(c.responseCode)) failures += c.count;
    byAuth.set(c.authType, (byAuth.get(c.authType) ?? 0) + c.count);
    byIdentity.set(c.identity, (byIdentity.get(c.identity) ?? 0) + c.count);
  }
  const desc = <T extends {count: number}>(a: T, b: T) => b.count - a.count;
  return {
    total,
    failures,
    byAuthType: [...byAuth].map(([authType, count]) => ({authType, count})).sort(desc),
    byIdentity: [...byIdentity]
      .map(([identity, count]) => {
        const name = identity ? names.get(identity.toLowerCase()) : undefined;
        return {identity, ...(name ? {name} : {}), count};
      })
      .sort(desc),
  };
}

/** `AADToken` → `aad_token` label used beside the wire value. */
export function authTypeLabel(wire: string): string {
  const labels: Record<AuthModeWire, string> = {
    Key: 'key',
    AMLToken: 'aml_token',
    AADToken: 'aad_token',
  };
  return labels[wire as AuthModeWire] ?? wire;
}

/** Who a row's caller is, for a person: the name, else the object ID, else `(key)`/`(none)`. */
export function callerLabel(identity: string, name: string | undefined, authType: string): string {
  if (name) return name;
  if (identity) return identity;
  return authType === 'Key' ? '(key: no identity)' : '(none)';
}

/** The summary as one line: `5 requests · AADToken 4, Key 1 · owner 3, scoring-client 2 · 20% failed`. */
export function summaryLine(s: TrafficSummary): string {
  if (s.total === 0) return 'no requests';
  const auth = s.byAuthType.map((a) => `${a.authType || '?'} ${a.count}`).join(', ');
  const who = s.byIdentity
    .map((i) => `${i.name ?? (i.identity || '(no identity)')} ${i.count}`)
    .join(', ');
  const share = Math.round((s.failures / s.total) * 100);
  return `${s.total} request${s.total === 1 ? '' : 's'} · ${auth} · ${who} · ${share}% failed (${s.failures})`;
}

/** Known principals by object ID (lower case) → name. */
export function directory(entries: {objectId: string; name: string}[]): Map<string, string> {
  return new Map(entries.map((e) => [e.objectId.toLowerCase(), e.name]));
}
