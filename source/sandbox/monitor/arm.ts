/**
 * The Resource Manager side of Azure Monitor for online endpoints: Log Analytics workspaces
 * (`Microsoft.OperationalInsights/workspaces`, read only: the seeded ones) and diagnostic settings
 * (`Microsoft.Insights/diagnosticSettings`, an extension resource on the endpoint: PUT, GET, LIST,
 * DELETE), with RBAC.
 */
import type {SandboxContext} from '../context';
import {isAllowed} from '../rbac';
import {
  ArmError,
  authorize,
  checkApiVersion,
  findResourceGroup,
  findSubscription,
  readJson,
  sendArm,
} from '../arm/common';
import {findEndpoint} from '../arm/ml';
import type {Route} from '../arm/router';
import {normalizeScope} from '../util';
import {
  CATEGORY_GROUPS,
  type DiagnosticSetting,
  ENDPOINT_LOG_CATEGORIES,
  type LogAnalyticsWorkspace,
  logAnalyticsWorkspaceId,
  type LogSetting,
} from './state';
import {endpointResourceId, workspaceByResourceId} from './traffic';

const OI = 'Microsoft.OperationalInsights';
const WS_READ = `${OI}/workspaces/read`;
export const DIAGNOSTIC_READ = 'Microsoft.Insights/diagnosticSettings/read';
export const DIAGNOSTIC_WRITE = 'Microsoft.Insights/diagnosticSettings/write';
export const DIAGNOSTIC_DELETE = 'Microsoft.Insights/diagnosticSettings/delete';
/** Azure allows at most five diagnostic settings per resource. */
const MAX_SETTINGS = 5;

function workspaceJson(w: LogAnalyticsWorkspace) {
  return {
    id: logAnalyticsWorkspaceId(w),
    name: w.name,
    type: `${OI}/workspaces`,
    location: w.location,
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      customerId: w.customerId,
      sku: {name: 'PerGB2018', lastSkuUpdate: w.createdAt},
      retentionInDays: w.retentionInDays,
      workspaceCapping: {dailyQuotaGb: -1, dataIngestionStatus: 'RespectQuota'},
      publicNetworkAccessForIngestion: 'Enabled',
      publicNetworkAccessForQuery: 'Enabled',
      createdDate: w.createdAt,
      modifiedDate: w.createdAt,
      features: {legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true},
    },
  };
}

function settingJson(s: DiagnosticSetting) {
  return {
    id: `${s.resourceId}/providers/microsoft.insights/diagnosticSettings/${s.name}`,
    name: s.name,
    type: 'Microsoft.Insights/diagnosticSettings',
    properties: {
      ...(s.storageAccountId ? {storageAccountId: s.storageAccountId} : {}),
      ...(s.eventHubAuthorizationRuleId
        ? {eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId}
        : {}),
      ...(s.eventHubName ? {eventHubName: s.eventHubName} : {}),
      ...(s.workspaceId ? {workspaceId: s.workspaceId} : {}),
      logAnalyticsDestinationType: s.logAnalyticsDestinationType ?? null,
      metrics: s.metrics.map((m) => ({...m, retentionPolicy: {enabled: false, days: 0}})),
      logs: s.logs.map((l) => ({
        category: l.category ?? null,
        categoryGroup: l.categoryGroup ?? null,
        enabled: l.enabled,
        retentionPolicy: l.retentionPolicy ?? {enabled: false, days: 0},
      })),
    },
  };
}

/** A Microsoft.Insights validation error: the RP's own `{code, message}` body (its ErrorResponse). */
class InsightsError extends ArmError {
  override readonly flat = true;
}

function badRequest(message: string): never {
  throw new InsightsError(400, 'BadRequest', message);
}

function parseLogs(raw: unknown): LogSetting[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) badRequest("The 'logs' property must be an array.");
  return (raw as unknown[]).map((item, i) => {
    if (typeof item !== 'object' || item === null) badRequest(`logs[${i}] must be an object.`);
    const l = item as Record<string, unknown>;
    if (typeof l.enabled !== 'boolean')
      badRequest(`logs[${i}].enabled is required (true or false).`);
    const category = typeof l.category === 'string' && l.category ? l.category : undefined;
    const group =
      typeof l.categoryGroup === 'string' && l.categoryGroup ? l.categoryGroup : undefined;
    if (!category && !group) badRequest(`logs[${i}] needs a category or a categoryGroup.`);
    if (category && !(ENDPOINT_LOG_CATEGORIES as readonly string[]).includes(category))
      badRequest(`Category '${category}' is not supported.`);
    if (group && !CATEGORY_GROUPS[group]) badRequest(`Category group '${group}' is not supported.`);
    const out: LogSetting = {enabled: l.enabled as boolean};
    if (category) out.category = category;
    if (group) out.categoryGroup = group;
    return out;
  });
}

/** The categories a setting sends (category groups expanded). */
const categoriesOf = (s: Pick<DiagnosticSetting, 'logs'>): Set<string> =>
  new Set(
    s.logs
      .filter((l) => l.enabled)
      .flatMap((l) => (l.category ? [l.category] : [...(CATEGORY_GROUPS[l.categoryGroup!] ?? [])])),
  );

const BASE =
  '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.MachineLearningServices/workspaces/:ws/onlineEndpoints/:ep/providers/Microsoft.Insights/diagnosticSettings';

const settingsOn = (ctx: SandboxContext, resourceId: string) => {
  const rid = normalizeScope(resourceId);
  return ctx.world.monitor.settings.filter((s) => normalizeScope(s.resourceId) === rid);
};

export const monitorRoutes: Route[] = [
  {
    pattern: BASE,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'insights');
        const e = findEndpoint(ctx, call, p, DIAGNOSTIC_READ);
        sendArm(ex, 200, {value: settingsOn(ctx, endpointResourceId(e)).map(settingJson)});
      },
    },
  },
  {
    pattern: `${BASE}/:name`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'insights');
        const e = findEndpoint(ctx, call, p, DIAGNOSTIC_READ);
        const s = settingsOn(ctx, endpointResourceId(e)).find(
          (x) => x.name.toLowerCase() === p.name!.toLowerCase(),
        );
        if (!s) {
          throw new InsightsError(
            404,
            'ResourceNotFound',
            `The diagnostic setting '${p.name}' doesn't exist.`,
          );
        }
        sendArm(ex, 200, settingJson(s));
      },
      PUT: async (ctx, ex, call, p) => {
        checkApiVersion(ex, 'insights');
        const e = findEndpoint(ctx, call, p, DIAGNOSTIC_WRITE);
        const body = await readJson(ex);
        const props = body.properties;
        if (typeof props !== 'object' || props === null || Array.isArray(props))
          badRequest("The request body needs a 'properties' object.");
        const q = props as Record<string, unknown>;
        const str = (k: string) =>
          typeof q[k] === 'string' && q[k] ? (q[k] as string) : undefined;
        const logs = parseLogs(q.logs);
        const workspaceId = str('workspaceId');
        if (!workspaceId && !str('storageAccountId') && !str('eventHubAuthorizationRuleId'))
          badRequest(
            'At least one destination must be set: a Log Analytics workspace (workspaceId), a storage account or an event hub.',
          );
        if (logs.length === 0 && !Array.isArray(q.metrics))
          badRequest('A diagnostic setting needs at least one log category or metric.');
        if (workspaceId) {
          const w = workspaceByResourceId(ctx.world.monitor, workspaceId);
          if (
            !w ||
            !/\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(workspaceId)
          )
            badRequest(
              `The Log Analytics workspace '${workspaceId}' was not found. Give the full resource ID of an existing workspace.`,
            );
        }
        const resourceId = endpointResourceId(e);
        const others = settingsOn(ctx, resourceId).filter(
          (s) => s.name.toLowerCase() !== p.name!.toLowerCase(),
        );
        const existing = settingsOn(ctx, resourceId).find(
          (s) => s.name.toLowerCase() === p.name!.toLowerCase(),
        );
        if (!existing && others.length >= MAX_SETTINGS)
          badRequest(`A resource can have at most ${MAX_SETTINGS} diagnostic settings.`);
        const mine = categoriesOf({logs});
        for (const o of others) {
          if (!workspaceId || !o.workspaceId) continue;
          if (normalizeScope(o.workspaceId) !== normalizeScope(workspaceId)) continue;
          const clash = [...categoriesOf(o)].find((c) => mine.has(c));
          if (clash)
            badRequest(
              `Data sink '${workspaceId}' is already used in diagnostic setting '${o.name}' for category '${clash}'. Data sinks can't be reused in different settings on the same category for the same resource.`,
            );
        }
        const setting: DiagnosticSetting = {
          resourceId,
          name: existing?.name ?? p.name!,
          logs,
          metrics: Array.isArray(q.metrics)
            ? (q.metrics as {category?: string; enabled?: boolean}[]).map((m) => ({
                ...(m.category ? {category: m.category} : {}),
                enabled: m.enabled === true,
              }))
            : [],
        };
        if (workspaceId) setting.workspaceId = workspaceId;
        for (const k of [
          'storageAccountId',
          'eventHubAuthorizationRuleId',
          'eventHubName',
          'logAnalyticsDestinationType',
        ] as const) {
          const v = str(k);
          if (v) setting[k] = v;
        }
        const all = ctx.world.monitor.settings;
        if (existing) all.splice(all.indexOf(existing), 1, setting);
        else all.push(setting);
        sendArm(ex, 200, settingJson(setting));
      },
      DELETE: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'insights');
        const e = findEndpoint(ctx, call, p, DIAGNOSTIC_DELETE);
        const all = ctx.world.monitor.settings;
        const s = settingsOn(ctx, endpointResourceId(e)).find(
          (x) => x.name.toLowerCase() === p.name!.toLowerCase(),
        );
        if (!s) {
          sendArm(ex, 204, undefined);
          return;
        }
        all.splice(all.indexOf(s), 1);
        sendArm(ex, 200, undefined);
      },
    },
  },
  {
    pattern: `/subscriptions/:sub/providers/${OI}/workspaces`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'operationalInsights');
        const sub = findSubscription(ctx, p.sub!);
        const list = ctx.world.monitor.workspaces.filter(
          (w) =>
            w.subscriptionId === sub.subscriptionId &&
            isAllowed(ctx.world, call.principal.objectId, WS_READ, logAnalyticsWorkspaceId(w)),
        );
        sendArm(ex, 200, {value: list.map(workspaceJson)});
      },
    },
  },
  {
    pattern: `/subscriptions/:sub/resourceGroups/:rg/providers/${OI}/workspaces`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'operationalInsights');
        const sub = findSubscription(ctx, p.sub!);
        authorize(
          ctx,
          call,
          WS_READ,
          `/subscriptions/${sub.subscriptionId}/resourceGroups/${p.rg}`,
        );
        const rg = findResourceGroup(ctx, sub.subscriptionId, p.rg!);
        const list = ctx.world.monitor.workspaces.filter(
          (w) => w.subscriptionId === sub.subscriptionId && w.resourceGroup === rg.name,
        );
        sendArm(ex, 200, {value: list.map(workspaceJson)});
      },
    },
  },
  {
    pattern: `/subscriptions/:sub/resourceGroups/:rg/providers/${OI}/workspaces/:name`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'operationalInsights');
        const sub = findSubscription(ctx, p.sub!);
        authorize(
          ctx,
          call,
          WS_READ,
          `/subscriptions/${sub.subscriptionId}/resourceGroups/${p.rg}/providers/${OI}/workspaces/${p.name}`,
        );
        const rg = findResourceGroup(ctx, sub.subscriptionId, p.rg!);
        const w = ctx.world.monitor.workspaces.find(
          (x) =>
            x.subscriptionId === sub.subscriptionId &&
            x.resourceGroup === rg.name &&
            x.name.toLowerCase() === p.name!.toLowerCase(),
        );
        if (!w) {
          throw new ArmError(
            404,
            'ResourceNotFound',
            `The Resource '${OI}/workspaces/${p.name}' under resource group '${rg.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          );
        }
        sendArm(ex, 200, workspaceJson(w));
      },
    },
  },
];

export {InsightsError};
