/**
 * Azure Monitor in the sandbox: Log Analytics workspaces (Microsoft.OperationalInsights), the
 * diagnostic settings of online endpoints (Microsoft.Insights) and the rows of the
 * `AmlOnlineEndpointTrafficLog` table each workspace holds.
 */
import {stableGuid} from '../util';

/** The log categories an online endpoint offers (`diagnosticSettingsCategories`). */
export const ENDPOINT_LOG_CATEGORIES = [
  'AmlOnlineEndpointTrafficLog',
  'AmlOnlineEndpointConsoleLog',
  'AmlOnlineEndpointEventLog',
] as const;
/** Category groups: `allLogs` holds every category; `audit` holds the traffic log. */
export const CATEGORY_GROUPS: Record<string, readonly string[]> = {
  allLogs: ENDPOINT_LOG_CATEGORIES,
  audit: ['AmlOnlineEndpointTrafficLog'],
};
export const TRAFFIC_TABLE = 'AmlOnlineEndpointTrafficLog';

export interface LogAnalyticsWorkspace {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The workspace ID the query API takes (`properties.customerId`). */
  customerId: string;
  retentionInDays: number;
  createdAt: string;
}

export interface LogSetting {
  category?: string;
  categoryGroup?: string;
  enabled: boolean;
  retentionPolicy?: {enabled: boolean; days: number};
}

export interface DiagnosticSetting {
  /** The resource it is on, as ARM names it (`/subscriptions/…/onlineEndpoints/{name}`). */
  resourceId: string;
  name: string;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  eventHubName?: string;
  logAnalyticsDestinationType?: string;
  logs: LogSetting[];
  metrics: {category?: string; enabled: boolean; timeGrain?: string}[];
}

/** One row of `AmlOnlineEndpointTrafficLog`, with the real column names. */
export interface TrafficRecord {
  TimeGenerated: string;
  TenantId: string;
  Location: string;
  OperationName: string;
  AzureMLWorkspaceId: string;
  AzureMLWorkspaceName: string;
  EndpointName: string;
  DeploymentName: string;
  Protocol: string;
  Method: string;
  Path: string;
  XRequestId: string;
  XMSClientRequestId: string;
  UserAgent: string;
  ResponseCode: number;
  ResponseCodeReason: string;
  ModelStatusCode: number | null;
  ModelStatusReason: string;
  RequestPayloadSize: number;
  ResponsePayloadSize: number;
  AuthType: string;
  IdentityData: string;
  TotalDurationMs: number;
  RequestDurationMs: number;
  ResponseDurationMs: number;
  RequestThrottlingDelayMs: number;
  ResponseThrottlingDelayMs: number;
  SourceSystem: string;
  Type: string;
  _ResourceId: string;
  _SubscriptionId: string;
}

/** A row in one workspace, visible to queries from `visibleAt` (the ingestion delay). */
export interface StoredRecord {
  customerId: string;
  visibleAt: number;
  record: TrafficRecord;
}

export interface MonitorState {
  workspaces: LogAnalyticsWorkspace[];
  settings: DiagnosticSetting[];
  records: StoredRecord[];
}

export function logAnalyticsWorkspaceId(
  w: Pick<LogAnalyticsWorkspace, 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  return `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${w.name}`;
}

/** The first workspace of a subscription: `law-dev` beside the dev ML workspace. */
export function seedWorkspace(subscriptionId: string, resourceGroup: string, location: string) {
  const w: LogAnalyticsWorkspace = {
    subscriptionId,
    resourceGroup,
    name: 'law-dev',
    location,
    customerId: stableGuid('log-analytics:law-dev'),
    retentionInDays: 30,
    createdAt: '2026-01-15T09:30:00.000Z',
  };
  return w;
}

/** At most this many rows are kept per sandbox (oldest dropped first). */
export const MAX_RECORDS = 20_000;
