/**
 * Traffic logs through the real Azure SDKs, loaded on first use: diagnostic settings of the
 * endpoint (@azure/arm-monitor), Log Analytics workspaces (@azure/arm-operationalinsights) and
 * the Log Analytics query API (@azure/monitor-query-logs, on the cloud's own endpoint and
 * audience). Clients are made per signed-in credential, so a new sign-in gets new clients.
 */
import type {MonitorClient} from '@azure/arm-monitor';
import type {OperationalInsightsManagementClient} from '@azure/arm-operationalinsights';
import type {LogsQueryClient} from '@azure/monitor-query-logs';
import type {TokenCredential} from '@azure/identity';
import {tlsOptionsFor} from './clouds';
import type {AzureContext} from './context';
import {ServiceError} from './errors';
import {endpointScope} from '../domain/scopes';
import {
  DIAGNOSTIC_WRITE_ACTION,
  type DiagnosticSettingInfo,
  ENDPOINT_LOG_CATEGORIES,
  type LogAnalyticsWorkspaceInfo,
  loggingStatus,
  NO_LOG_ANALYTICS,
  QUERY_ACTION,
  sentCategories,
  TRAFFIC_LOG_TABLE,
  TRAFFIC_SETTING_NAME,
} from '../domain/traffic-log';
import type {AppError, EndpointRef} from '../domain/types';
import type {TrafficLogServices} from '../domain/services';

const USER_AGENT = 'aml-auth';

/**
 * The endpoint as the diagnostic-settings operations take it (`{+resourceUri}` after a slash):
 * its resource ID without the leading slash, as the SDK's samples pass it.
 */
const resourceUri = (ref: EndpointRef): string => endpointScope(ref).replace(/^\/+/, '');

interface Clients {
  monitor: Map<string, Promise<MonitorClient>>;
  workspaces: Map<string, Promise<OperationalInsightsManagementClient>>;
  logs?: Promise<LogsQueryClient>;
}

const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i;

/** The parts of a Log Analytics workspace resource ID; undefined when it is not one. */
export function parseWorkspaceResourceId(
  id: string,
): {subscriptionId: string; resourceGroup: string; name: string} | undefined {
  const m = WORKSPACE_ID.exec(id.trim());
  return m ? {subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]!} : undefined;
}

function workspaceInfo(w: {
  id?: string;
  name?: string;
  location?: string;
  customerId?: string;
}): LogAnalyticsWorkspaceInfo | undefined {
  const parts = w.id ? parseWorkspaceResourceId(w.id) : undefined;
  if (!parts || !w.customerId) return undefined;
  return {
    id: w.id!,
    name: w.name ?? parts.name,
    subscriptionId: parts.subscriptionId,
    resourceGroup: parts.resourceGroup,
    ...(w.location ? {location: w.location} : {}),
    customerId: w.customerId,
  };
}

/** A 403 explained in the words of the permission it needs. */
function withPermissionHint(err: unknown, action: string, what: string): unknown {
  if (!(err instanceof ServiceError) || err.appError.status !== 403) return err;
  const roles =
    action === QUERY_ACTION
      ? 'Log Analytics Reader (or Reader) on the Log Analytics workspace'
      : 'Monitoring Contributor (or Contributor) on the endpoint';
  const appError: AppError = {
    ...err.appError,
    kind: 'permission',
    hint: `${what} needs '${action}': ${roles}.${err.appError.hint ? ` ${err.appError.hint}` : ''}`,
    nextSteps: [
      `Ask an Owner or User Access Administrator for ${roles}.`,
      'If access was granted in the last few minutes, sign in again.',
    ],
  };
  return new ServiceError(appError, {cause: err});
}

export function trafficLogServices(ctx: AzureContext): TrafficLogServices {
  const byCredential = new WeakMap<TokenCredential, Clients>();
  const clients = (): Clients => {
    const credential = ctx.credential();
    let c = byCredential.get(credential);
    if (!c) {
      c = {monitor: new Map(), workspaces: new Map()};
      byCredential.set(credential, c);
    }
    return c;
  };
  /** The rest-level clients take `endpoint` and `credentials.scopes` (not `credentialScopes`). */
  const restOptions = () => {
    const tls = tlsOptionsFor(ctx.cloud);
    return {
      endpoint: ctx.cloud.resourceManagerEndpoint.replace(/\/+$/, ''),
      credentials: {scopes: [ctx.cloud.managementScope]},
      ...(tls ? {tlsOptions: tls} : {}),
      userAgentOptions: {userAgentPrefix: USER_AGENT},
      // As every ARM client: retries are told (retry-notice.ts).
      additionalPolicies: ctx.armClientOptions().additionalPolicies,
    };
  };
  const monitor = (subscriptionId: string) => {
    const credential = ctx.credential();
    const c = clients();
    let client = c.monitor.get(subscriptionId);
    if (!client) {
      client = import('@azure/arm-monitor').then((m) =>
        ctx.withFreshTokens(new m.MonitorClient(credential, subscriptionId, restOptions())),
      );
      c.monitor.set(subscriptionId, client);
    }
    return client;
  };
  const operationalInsights = (subscriptionId: string) => {
    const credential = ctx.credential();
    const c = clients();
    let client = c.workspaces.get(subscriptionId);
    if (!client) {
      client = import('@azure/arm-operationalinsights').then((m) =>
        ctx.withFreshTokens(
          new m.OperationalInsightsManagementClient(credential, subscriptionId, restOptions()),
        ),
      );
      c.workspaces.set(subscriptionId, client);
    }
    return client;
  };
  const logs = () => {
    const {logAnalyticsEndpoint, logAnalyticsScope} = ctx.cloud;
    if (!logAnalyticsEndpoint || !logAnalyticsScope) {
      throw new ServiceError({
        kind: 'invalid',
        code: NO_LOG_ANALYTICS,
        title: 'This cloud has no Log Analytics endpoint',
        detail: `The cloud '${ctx.cloud.name}' names no Log Analytics query endpoint, so its traffic logs cannot be read from here.`,
        hint: "Add 'logAnalyticsEndpoint' and 'logAnalyticsScope' to the cloud file.",
        nextSteps: [
          'Or read the table in the portal: the Logs blade of the Log Analytics workspace.',
        ],
      });
    }
    const credential = ctx.credential();
    const c = clients();
    const tls = tlsOptionsFor(ctx.cloud);
    c.logs ??= import('@azure/monitor-query-logs').then(
      (m) =>
        new m.LogsQueryClient(credential, {
          // The client joins `/workspaces/{id}/query` to `endpoint` as given: the version goes in.
          endpoint: `${logAnalyticsEndpoint}/v1`,
          audience: logAnalyticsScope.replace(/\/\.default$/, ''),
          credentials: {scopes: [logAnalyticsScope]},
          ...(tls ? {tlsOptions: tls} : {}),
          userAgentOptions: {userAgentPrefix: USER_AGENT},
        }),
    );
    return c.logs;
  };

  const listSettings = async (ref: EndpointRef, signal?: AbortSignal) => {
    const client = await monitor(ref.subscriptionId);
    const out: DiagnosticSettingInfo[] = [];
    for await (const s of client.diagnosticSettings.list(resourceUri(ref), {
      abortSignal: signal,
    })) {
      const sent = sentCategories(s.logs ?? []);
      out.push({
        name: s.name ?? '',
        ...(s.workspaceId ? {workspaceResourceId: s.workspaceId} : {}),
        otherDestinations: [
          ...(s.storageAccountId ? [`storage ${s.storageAccountId.split('/').pop()}`] : []),
          ...(s.eventHubAuthorizationRuleId ? [`event hub ${s.eventHubName ?? ''}`.trim()] : []),
        ],
        categories: ENDPOINT_LOG_CATEGORIES.map((category) => ({
          category,
          enabled: sent.has(category),
        })),
      });
    }
    return out;
  };

  const readWorkspace = (resourceId: string, signal?: AbortSignal) =>
    ctx.run({operation: `read the Log Analytics workspace ${resourceId}`}, async () => {
      const parts = parseWorkspaceResourceId(resourceId);
      if (!parts) {
        throw new ServiceError({
          kind: 'invalid',
          title: 'Not a Log Analytics workspace ID',
          detail: `'${resourceId}' is not a resource ID of the form /subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/NAME.`,
          nextSteps: ['List the workspaces: `az monitor log-analytics workspace list -o table`.'],
        });
      }
      const client = await operationalInsights(parts.subscriptionId);
      const w = await client.workspaces.get(parts.resourceGroup, parts.name, {
        abortSignal: signal,
      });
      const info = workspaceInfo(w);
      if (!info) throw new Error(`The workspace ${resourceId} has no customerId.`);
      return info;
    });

  return {
    trafficLogging(ref, signal) {
      return ctx.run(
        {operation: `read the diagnostic settings of ${ref.endpoint}`, scope: endpointScope(ref)},
        async () => loggingStatus(await listSettings(ref, signal)),
      );
    },

    listLogAnalyticsWorkspaces(subscriptionId, signal) {
      return ctx.run({operation: 'list Log Analytics workspaces'}, async () => {
        const client = await operationalInsights(subscriptionId);
        const out: LogAnalyticsWorkspaceInfo[] = [];
        for await (const w of client.workspaces.list({abortSignal: signal})) {
          const info = workspaceInfo(w);
          if (info) out.push(info);
        }
        return out.sort((a, b) => a.name.localeCompare(b.name));
      });
    },

    async getLogAnalyticsWorkspace(resourceId, signal) {
      try {
        return await readWorkspace(resourceId, signal);
      } catch (err) {
        // Reading the traffic log starts here: a 403 is explained as that permission.
        throw withPermissionHint(err, QUERY_ACTION, 'Reading the traffic log');
      }
    },

    async enableTrafficLogging(ref, workspaceResourceId, signal) {
      try {
        return await ctx.run(
          {operation: `turn on traffic logging for ${ref.endpoint}`, scope: endpointScope(ref)},
          async () => {
            const before = loggingStatus(await listSettings(ref, signal));
            const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
            if (before.destinations.some((d) => same(d, workspaceResourceId))) {
              return {status: before, created: false};
            }
            const client = await monitor(ref.subscriptionId);
            const mine = before.settings.find((s) => same(s.name, TRAFFIC_SETTING_NAME));
            // Our own setting keeps the categories it had when it already sends to this workspace.
            const keep =
              mine?.workspaceResourceId && same(mine.workspaceResourceId, workspaceResourceId)
                ? mine.categories.filter((c) => c.enabled).map((c) => c.category)
                : [];
            const categories = [...new Set([TRAFFIC_LOG_TABLE, ...keep])];
            await client.diagnosticSettings.createOrUpdate(
              resourceUri(ref),
              TRAFFIC_SETTING_NAME,
              {
                workspaceId: workspaceResourceId,
                logs: categories.map((category) => ({category, enabled: true})),
              },
              {abortSignal: signal},
            );
            return {status: loggingStatus(await listSettings(ref, signal)), created: true};
          },
        );
      } catch (err) {
        throw withPermissionHint(err, DIAGNOSTIC_WRITE_ACTION, 'Turning on traffic logging');
      }
    },

    async queryLogs(customerId, query, timespan, signal) {
      try {
        return await ctx.run({operation: 'query the traffic log'}, async () => {
          const client = await logs();
          const result = await client.queryWorkspace(
            customerId,
            query,
            {duration: timespan},
            {
              abortSignal: signal,
            },
          );
          const table = result.status === 'Success' ? result.tables[0] : result.partialTables[0];
          if (!table) return [];
          const names = table.columnDescriptors.map((c) => c.name ?? '');
          return table.rows.map((row) =>
            Object.fromEntries(names.map((n, i) => [n, row[i] ?? null])),
          );
        });
      } catch (err) {
        throw withPermissionHint(err, QUERY_ACTION, 'Reading the traffic log');
      }
    },
  };
}
