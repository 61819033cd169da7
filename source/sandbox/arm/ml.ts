import type {SandboxContext} from '../context';
import type {Exchange} from '../http';
import {isAllowed} from '../rbac';
import {newGuid, newKey} from '../util';
import {
  type AuthMode,
  type Endpoint,
  endpointKey,
  endpointScope,
  type Operation,
  type UserAssignedIdentity,
  userAssignedIdentityId,
  type Workspace,
  workspaceScope,
} from '../world';
import {ASSIGN_USER_ASSIGNED_IDENTITY} from '../../domain/builtin-roles';
import {normalizeScope} from '../util';
import {
  ArmError,
  type ArmCall,
  authorize,
  authorizeLinked,
  checkApiVersion,
  findResourceGroup,
  findSubscription,
  newOperationId,
  page,
  readJson,
  sendArm,
} from './common';
import type {Params, Route} from './router';

export const NS = 'Microsoft.MachineLearningServices';
const WS_ACTION = `${NS}/workspaces`;
export const EP_ACTION = `${NS}/workspaces/onlineEndpoints`;
const AUTH_MODES: AuthMode[] = ['Key', 'AMLToken', 'AADToken'];
const IDENTITY_TYPES = [
  'SystemAssigned',
  'UserAssigned',
  'SystemAssigned,UserAssigned',
  'None',
] as const;

/** Azure's endpoint-name rule: 3–32 chars, starts with a letter, letters/digits/hyphens, no trailing hyphen. */
export const ENDPOINT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;

// ---------------------------------------------------------------- lookups

export function findWorkspace(
  ctx: SandboxContext,
  call: ArmCall,
  p: Params,
  action: string,
  scopeSuffix = '',
): Workspace {
  const sub = findSubscription(ctx, p.sub!);
  const scope = `/subscriptions/${sub.subscriptionId}/resourceGroups/${p.rg}/providers/${NS}/workspaces/${p.ws}${scopeSuffix}`;
  authorize(ctx, call, action, scope);
  findResourceGroup(ctx, sub.subscriptionId, p.rg!);
  const ws = ctx.world.workspaces.find(
    (w) =>
      w.subscriptionId === sub.subscriptionId &&
      w.resourceGroup.toLowerCase() === p.rg!.toLowerCase() &&
      w.name.toLowerCase() === p.ws!.toLowerCase(),
  );
  if (!ws) {
    throw new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${NS}/workspaces/${p.ws}' under resource group '${p.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return ws;
}

function findEndpointIn(ctx: SandboxContext, ws: Workspace, name: string): Endpoint | undefined {
  return ctx.world.endpoints.find(
    (e) =>
      e.subscriptionId === ws.subscriptionId &&
      e.resourceGroup === ws.resourceGroup &&
      e.workspace === ws.name &&
      e.name.toLowerCase() === name.toLowerCase(),
  );
}

export function findEndpoint(
  ctx: SandboxContext,
  call: ArmCall,
  p: Params,
  action: string,
): Endpoint {
  const ws = findWorkspace(ctx, call, p, action, `/onlineEndpoints/${p.ep}`);
  const ep = findEndpointIn(ctx, ws, p.ep!);
  if (!ep) {
    throw new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${NS}/workspaces/${ws.name}/onlineEndpoints/${p.ep}' under resource group '${ws.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return ep;
}

// ---------------------------------------------------------------- wire shapes

function workspaceJson(ctx: SandboxContext, w: Workspace) {
  const rgId = `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}`;
  const short = w.name.replace(/-/g, '');
  return {
    id: workspaceScope(w),
    name: w.name,
    type: `${NS}/workspaces`,
    location: w.location,
    kind: 'Default',
    tags: {},
    sku: {name: 'Basic', tier: 'Basic'},
    identity: {
      type: 'SystemAssigned',
      principalId: w.identityPrincipalId,
      tenantId: ctx.world.tenantId,
    },
    systemData: {
      createdAt: w.createdAt,
      createdBy: 'owner@contoso.sandbox',
      createdByType: 'User',
      lastModifiedAt: w.createdAt,
      lastModifiedBy: 'owner@contoso.sandbox',
      lastModifiedByType: 'User',
    },
    properties: {
      friendlyName: w.friendlyName,
      description: w.description,
      workspaceId: w.workspaceId,
      keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv${short}`,
      storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/st${short}`,
      applicationInsights: `${rgId}/providers/Microsoft.Insights/components/ai${short}`,
      containerRegistry: `${rgId}/providers/Microsoft.ContainerRegistry/registries/cr${short}`,
      discoveryUrl: `${ctx.baseUrl}/discovery`,
      hbiWorkspace: false,
      publicNetworkAccess: 'Enabled',
      provisioningState: 'Succeeded',
    },
  };
}

export function scoringBase(ctx: SandboxContext, e: Pick<Endpoint, 'name' | 'location'>): string {
  return `${ctx.baseUrl}/inference/${e.name.toLowerCase()}.${e.location}`;
}

function endpointJson(ctx: SandboxContext, e: Endpoint) {
  const identity: Record<string, unknown> = {type: e.identityType};
  if (e.identityType.includes('SystemAssigned')) {
    identity.principalId = e.identityPrincipalId;
    identity.tenantId = ctx.world.tenantId;
  }
  if (e.identityType.includes('UserAssigned'))
    identity.userAssignedIdentities = e.userAssignedIdentities;
  return {
    id: endpointScope(e),
    name: e.name,
    type: `${NS}/workspaces/onlineEndpoints`,
    location: e.location,
    kind: 'Managed',
    tags: e.tags,
    identity,
    systemData: e.systemData,
    properties: {
      authMode: e.authMode,
      description: e.description,
      properties: e.properties,
      scoringUri: `${scoringBase(ctx, e)}/score`,
      swaggerUri: `${scoringBase(ctx, e)}/swagger.json`,
      traffic: e.traffic,
      mirrorTraffic: e.mirrorTraffic,
      publicNetworkAccess: e.publicNetworkAccess,
      provisioningState: e.provisioningState,
    },
  };
}

// ---------------------------------------------------------------- operations (LRO)

function operationBase(e: Pick<Endpoint, 'subscriptionId' | 'location'>, ctx: SandboxContext) {
  return `${ctx.baseUrl}/subscriptions/${e.subscriptionId}/providers/${NS}/locations/${e.location}`;
}

export function startOperation(
  ctx: SandboxContext,
  ex: Exchange,
  e: Endpoint,
  kind: Operation['kind'],
  onComplete: Operation['onComplete'],
  deployment?: string,
): {operation: Operation; headers: Record<string, string>} {
  const now = ctx.clock.now();
  const failing = ctx.failingOperations;
  if (failing.count > 0 && (kind === 'create' || kind === 'update')) {
    // The admin API asked for a failure: the resource ends Failed, its change not applied.
    failing.count -= 1;
    const error = {...failing.error};
    onComplete = () => {
      const target = deployment ? e.deployments.find((d) => d.name === deployment) : e;
      if (target) target.provisioningState = 'Failed';
      return error;
    };
  }
  const operation: Operation = {
    id: newOperationId(),
    kind,
    ...(deployment ? {deployment} : {}),
    location: e.location,
    endpointKey: endpointKey(e),
    startTime: now,
    completeAt: now + ctx.provisioningDelayMs,
    status: 'InProgress',
    onComplete,
  };
  ctx.world.operations.set(operation.id, operation);
  const version = ex.url.searchParams.get('api-version')!;
  const base = operationBase(e, ctx);
  return {
    operation,
    headers: {
      'azure-asyncoperation': `${base}/mfeOperationsStatus/${operation.id}?api-version=${version}`,
      location: `${base}/mfeOperationResults/${operation.id}?api-version=${version}`,
      'retry-after': String(retryAfter(ctx, operation)),
      'x-ms-async-operation-timeout': 'PT1H',
    },
  };
}

function retryAfter(ctx: SandboxContext, op: Operation): number {
  return Math.min(10, Math.max(1, Math.ceil((op.completeAt - ctx.clock.now()) / 1000)));
}

/** Finishes every operation whose time has come. Called before each request (lazy, clock-driven). */
export function settleOperations(ctx: SandboxContext): void {
  const now = ctx.clock.now();
  for (const op of ctx.world.operations.values()) {
    if (op.status === 'InProgress' && op.completeAt <= now) {
      op.endTime = op.completeAt;
      const error = op.onComplete?.(ctx.world);
      op.status = error ? 'Failed' : 'Succeeded';
      if (error) op.error = error;
    }
  }
}

function findOperation(ctx: SandboxContext, p: Params): Operation {
  findSubscription(ctx, p.sub!);
  const op = ctx.world.operations.get(p.op!);
  if (!op || op.location.toLowerCase() !== p.loc!.toLowerCase()) {
    throw new ArmError(404, 'NotFound', `The operation '${p.op}' was not found.`);
  }
  return op;
}

// ---------------------------------------------------------------- endpoint PUT

export function validationError(message: string, target?: string): ArmError {
  return new ArmError(400, 'UserError', message, {}, [
    {code: 'Invalid', message, ...(target ? {target} : {})},
  ]);
}

interface EndpointInput {
  location: string;
  authMode: AuthMode;
  description: string;
  tags: Record<string, string>;
  properties: Record<string, string>;
  identityType: Endpoint['identityType'];
  /** ARM IDs of the user-assigned identities, as given. */
  userAssigned: string[];
  traffic: Record<string, number> | undefined;
  mirrorTraffic: Record<string, number> | undefined;
  publicNetworkAccess: Endpoint['publicNetworkAccess'];
  keys: {primaryKey?: string; secondaryKey?: string} | undefined;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw validationError(`'${field}' must be an object of string values.`, field);
  }
  return value as Record<string, string>;
}

function trafficMap(value: unknown, field: string): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    !isRecord(value) ||
    !Object.values(value).every((v) => Number.isInteger(v) && (v as number) >= 0)
  ) {
    throw validationError(`'${field}' must map deployment names to whole percentages.`, field);
  }
  return value as Record<string, number>;
}

function parseEndpointInput(body: Record<string, unknown>): EndpointInput {
  if (typeof body.location !== 'string' || !body.location) {
    throw new ArmError(
      400,
      'LocationRequired',
      'The location property is required for this definition.',
    );
  }
  const props = body.properties;
  if (!isRecord(props)) throw validationError("The 'properties' object is required.", 'properties');
  const rawMode = props.authMode;
  const authMode = AUTH_MODES.find(
    (m) => typeof rawMode === 'string' && m.toLowerCase() === rawMode.toLowerCase(),
  );
  if (!authMode) {
    throw validationError(
      rawMode === undefined
        ? "The 'properties.authMode' field is required: one of Key, AMLToken, AADToken."
        : `'${String(rawMode)}' is not a valid auth mode: use Key, AMLToken or AADToken.`,
      'properties.authMode',
    );
  }
  const {identityType, userAssigned} =
    body.identity === undefined || body.identity === null
      ? {identityType: 'SystemAssigned' as const, userAssigned: []}
      : parseIdentity(body.identity);
  const pna = props.publicNetworkAccess ?? 'Enabled';
  if (pna !== 'Enabled' && pna !== 'Disabled') {
    throw validationError(
      "'properties.publicNetworkAccess' must be Enabled or Disabled.",
      'properties.publicNetworkAccess',
    );
  }
  if (
    props.description !== undefined &&
    props.description !== null &&
    typeof props.description !== 'string'
  ) {
    throw validationError("'properties.description' must be a string.", 'properties.description');
  }
  const keys = isRecord(props.keys) ? (props.keys as EndpointInput['keys']) : undefined;
  for (const which of ['primaryKey', 'secondaryKey'] as const) {
    const v = keys?.[which];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length < 16)) {
      throw validationError(
        `'properties.keys.${which}' must be a string of at least 16 characters.`,
        `properties.keys.${which}`,
      );
    }
  }
  return {
    location: body.location,
    authMode,
    description: (props.description as string | undefined) ?? '',
    tags: stringMap(body.tags, 'tags'),
    properties: stringMap(props.properties, 'properties.properties'),
    identityType,
    userAssigned,
    traffic: trafficMap(props.traffic, 'properties.traffic'),
    mirrorTraffic: trafficMap(props.mirrorTraffic, 'properties.mirrorTraffic'),
    publicNetworkAccess: pna,
    keys,
  };
}

/** The ARM IDs named in `identity.userAssignedIdentities`, unvalidated (for the linked check). */
function linkedIdentities(body: Record<string, unknown>): string[] {
  const identity = body.identity;
  if (!isRecord(identity) || !isRecord(identity.userAssignedIdentities)) return [];
  return Object.keys(identity.userAssignedIdentities);
}

function parseIdentity(identity: unknown): {
  identityType: Endpoint['identityType'];
  userAssigned: string[];
} {
  const type = isRecord(identity) ? identity.type : undefined;
  const match = IDENTITY_TYPES.find(
    (t) => typeof type === 'string' && t.toLowerCase() === type.replace(/\s/g, '').toLowerCase(),
  );
  if (!match) {
    throw validationError(
      `'${String(type)}' is not a valid identity type: use ${IDENTITY_TYPES.join(', ')}.`,
      'identity.type',
    );
  }
  const ids = isRecord(identity) ? linkedIdentities({identity}) : [];
  if (match.includes('UserAssigned') && ids.length === 0) {
    throw validationError(
      `Identity type '${match}' needs at least one entry in 'identity.userAssignedIdentities'.`,
      'identity.userAssignedIdentities',
    );
  }
  if (!match.includes('UserAssigned') && ids.length > 0) {
    throw validationError(
      `'identity.userAssignedIdentities' is only allowed with identity type UserAssigned or 'SystemAssigned,UserAssigned', not '${match}'.`,
      'identity.userAssignedIdentities',
    );
  }
  return {identityType: match, userAssigned: ids};
}

/** Resolves user-assigned identity IDs to the identities, as the endpoint stores them. */
function resolveIdentities(ctx: SandboxContext, ids: string[]): Endpoint['userAssignedIdentities'] {
  const out: Endpoint['userAssignedIdentities'] = {};
  for (const id of ids) {
    const found: UserAssignedIdentity | undefined = ctx.world.userAssignedIdentities.find(
      (u) => normalizeScope(userAssignedIdentityId(u)) === normalizeScope(id),
    );
    if (!found) {
      throw validationError(
        `The user-assigned identity '${id}' was not found. Check its resource ID.`,
        'identity.userAssignedIdentities',
      );
    }
    out[userAssignedIdentityId(found)] = {principalId: found.principalId, clientId: found.clientId};
  }
  return out;
}

function checkTraffic(
  e: Pick<Endpoint, 'deployments'>,
  traffic: Record<string, number>,
  field: string,
): void {
  for (const name of Object.keys(traffic)) {
    const d = e.deployments.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!d) {
      throw validationError(
        `Deployment '${name}' in ${field} does not exist on this endpoint.`,
        field,
      );
    }
    const state = d.provisioningState ?? 'Succeeded';
    if ((traffic[name] ?? 0) > 0 && state !== 'Succeeded') {
      throw validationError(
        `Deployment '${d.name}' is in provisioning state ${state}: only a deployment that succeeded can take traffic.`,
        field,
      );
    }
  }
  const total = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (field === 'properties.traffic' && total !== 0 && total !== 100) {
    throw validationError(
      `Traffic percentages must add up to 100 (or 0); they add up to ${total}.`,
      field,
    );
  }
  if (field === 'properties.mirrorTraffic') {
    if (Object.values(traffic).some((v) => v > 50)) {
      throw validationError('Mirror traffic cannot exceed 50% for a deployment.', field);
    }
    if (Object.values(traffic).filter((v) => v > 0).length > 1) {
      throw validationError('Mirror traffic can go to only one deployment.', field);
    }
  }
}

/** Mirror traffic may not go to a deployment that takes live traffic (Azure's rule). */
function checkMirrorAgainstLive(
  traffic: Record<string, number>,
  mirror: Record<string, number>,
): void {
  for (const [name, share] of Object.entries(mirror)) {
    if (share <= 0) continue;
    const live = Object.entries(traffic).find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (live && live[1] > 0) {
      throw validationError(
        `Deployment '${name}' takes ${live[1]}% of the live traffic: it cannot also receive mirror traffic. Give its live traffic to another deployment first.`,
        'properties.mirrorTraffic',
      );
    }
  }
}

async function putEndpoint(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  p: Params,
): Promise<void> {
  checkApiVersion(ex, 'ml');
  const ws = findWorkspace(ctx, call, p, `${EP_ACTION}/write`, `/onlineEndpoints/${p.ep}`);
  const name = p.ep!;
  if (!ENDPOINT_NAME.test(name)) {
    throw validationError(
      `The endpoint name '${name}' is not valid: it must be 3 to 32 characters, start with a letter, use only letters, digits and hyphens, and not end with a hyphen.`,
      'name',
    );
  }
  const body = await readJson(ex);
  // The linked check comes before the body is validated, as in Azure's recorded 403.
  authorizeLinked(
    ctx,
    call,
    `${EP_ACTION}/write`,
    ASSIGN_USER_ASSIGNED_IDENTITY,
    linkedIdentities(body),
  );
  const input = parseEndpointInput(body);
  const userAssignedIdentities = resolveIdentities(ctx, input.userAssigned);
  if (input.location.replace(/\s/g, '').toLowerCase() !== ws.location) {
    throw validationError(
      `The endpoint location '${input.location}' must match the workspace location '${ws.location}'.`,
      'location',
    );
  }
  const existing = findEndpointIn(ctx, ws, name);
  const now = new Date(ctx.clock.now()).toISOString();
  const byType = call.principal.kind === 'user' ? 'User' : 'Application';
  if (existing) {
    if (existing.provisioningState !== 'Succeeded' && existing.provisioningState !== 'Failed') {
      throw new ArmError(
        409,
        'Conflict',
        `Cannot update endpoint '${existing.name}' because it is in ${existing.provisioningState} provisioning state. Wait for the current operation to finish.`,
      );
    }
    if (input.traffic) checkTraffic(existing, input.traffic, 'properties.traffic');
    if (input.mirrorTraffic)
      checkTraffic(existing, input.mirrorTraffic, 'properties.mirrorTraffic');
    checkMirrorAgainstLive(
      input.traffic ?? existing.traffic,
      input.mirrorTraffic ?? existing.mirrorTraffic,
    );
    Object.assign(existing, {
      authMode: input.authMode,
      description: input.description,
      tags: input.tags,
      properties: input.properties,
      identityType: input.identityType,
      identityPrincipalId: input.identityType.includes('SystemAssigned')
        ? (existing.identityPrincipalId ?? newGuid())
        : null,
      userAssignedIdentities,
      publicNetworkAccess: input.publicNetworkAccess,
      traffic: input.traffic ?? existing.traffic,
      mirrorTraffic: input.mirrorTraffic ?? existing.mirrorTraffic,
      provisioningState: 'Updating',
    });
    existing.systemData = {
      ...existing.systemData,
      lastModifiedAt: now,
      lastModifiedBy: call.callerName,
      lastModifiedByType: byType,
    };
    const {headers} = startOperation(ctx, ex, existing, 'update', () => {
      existing.provisioningState = 'Succeeded';
    });
    sendArm(ex, 200, endpointJson(ctx, existing), headers);
    return;
  }
  const taken = ctx.world.endpoints.find(
    (e) => e.location === ws.location && e.name.toLowerCase() === name.toLowerCase(),
  );
  if (taken) {
    throw validationError(
      `The specified endpoint name '${name}' is not available. Endpoint names must be unique within the region. Please choose a different name and try again.`,
      'name',
    );
  }
  const endpoint: Endpoint = {
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    workspace: ws.name,
    name,
    location: ws.location,
    instanceId: newGuid(),
    authMode: input.authMode,
    description: input.description,
    tags: input.tags,
    properties: input.properties,
    identityType: input.identityType,
    identityPrincipalId: input.identityType.includes('SystemAssigned') ? newGuid() : null,
    userAssignedIdentities,
    publicNetworkAccess: input.publicNetworkAccess,
    traffic: {},
    mirrorTraffic: {},
    keys: {
      primaryKey: input.keys?.primaryKey || newKey(),
      secondaryKey: input.keys?.secondaryKey || newKey(),
    },
    provisioningState: 'Creating',
    deployments: [],
    systemData: {
      createdAt: now,
      createdBy: call.callerName,
      createdByType: byType,
      lastModifiedAt: now,
      lastModifiedBy: call.callerName,
      lastModifiedByType: byType,
    },
  };
  if (input.traffic) checkTraffic(endpoint, input.traffic, 'properties.traffic');
  ctx.world.endpoints.push(endpoint);
  const {headers} = startOperation(ctx, ex, endpoint, 'create', () => {
    endpoint.provisioningState = 'Succeeded';
  });
  sendArm(ex, 201, endpointJson(ctx, endpoint), {
    'azure-asyncoperation': headers['azure-asyncoperation']!,
    'retry-after': headers['retry-after']!,
    'x-ms-async-operation-timeout': headers['x-ms-async-operation-timeout']!,
  });
}

async function patchEndpoint(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  p: Params,
): Promise<void> {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${EP_ACTION}/write`);
  const body = await readJson(ex);
  authorizeLinked(
    ctx,
    call,
    `${EP_ACTION}/write`,
    ASSIGN_USER_ASSIGNED_IDENTITY,
    linkedIdentities(body),
  );
  const allowed = new Set(['tags', 'identity']);
  const extra = Object.keys(body).filter((k) => !allowed.has(k));
  if (extra.length) {
    throw validationError(
      `PATCH of an online endpoint only changes 'tags' and 'identity'; '${extra.join("', '")}' needs a full PUT.`,
      extra[0],
    );
  }
  const tags = body.tags !== undefined ? stringMap(body.tags, 'tags') : undefined;
  if (body.identity !== undefined) {
    const {identityType, userAssigned} = parseIdentity(body.identity);
    const identities = resolveIdentities(ctx, userAssigned);
    e.identityType = identityType;
    e.identityPrincipalId = identityType.includes('SystemAssigned')
      ? (e.identityPrincipalId ?? newGuid())
      : null;
    e.userAssignedIdentities = identities;
  }
  if (tags) e.tags = tags;
  e.systemData = {
    ...e.systemData,
    lastModifiedAt: new Date(ctx.clock.now()).toISOString(),
    lastModifiedBy: call.callerName,
    lastModifiedByType: call.principal.kind === 'user' ? 'User' : 'Application',
  };
  sendArm(ex, 200, endpointJson(ctx, e));
}

function deleteEndpoint(ctx: SandboxContext, ex: Exchange, call: ArmCall, p: Params): void {
  checkApiVersion(ex, 'ml');
  const ws = findWorkspace(ctx, call, p, `${EP_ACTION}/delete`, `/onlineEndpoints/${p.ep}`);
  const e = findEndpointIn(ctx, ws, p.ep!);
  if (!e) {
    sendArm(ex, 204, undefined);
    return;
  }
  if (e.provisioningState === 'Deleting') {
    throw new ArmError(409, 'Conflict', `Endpoint '${e.name}' is already being deleted.`);
  }
  if (e.provisioningState === 'Creating' || e.provisioningState === 'Updating') {
    // As an update is refused then: the operation in flight would otherwise finish on an
    // endpoint that is gone (it came back Succeeded, then 404ed).
    throw new ArmError(
      409,
      'Conflict',
      `Cannot delete endpoint '${e.name}' because it is in ${e.provisioningState} provisioning state. Wait for the current operation to finish.`,
    );
  }
  e.provisioningState = 'Deleting';
  const {headers} = startOperation(ctx, ex, e, 'delete', (world) => {
    world.endpoints = world.endpoints.filter((x) => x !== e);
  });
  sendArm(ex, 202, undefined, headers);
}

function requireAuthMode(e: Endpoint, mode: AuthMode, what: string): void {
  if (e.authMode !== mode) {
    throw validationError(
      `Endpoint '${e.name}' uses auth mode ${e.authMode}; ${what} is only available for ${mode} endpoints.`,
      'authMode',
    );
  }
}

async function regenerateKeys(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  p: Params,
): Promise<void> {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${EP_ACTION}/regenerateKeys/action`);
  const body = await readJson(ex);
  const keyType = typeof body.keyType === 'string' ? body.keyType.toLowerCase() : '';
  if (keyType !== 'primary' && keyType !== 'secondary') {
    throw validationError("'keyType' is required: Primary or Secondary.", 'keyType');
  }
  if (
    body.keyValue !== undefined &&
    body.keyValue !== null &&
    (typeof body.keyValue !== 'string' || body.keyValue.length < 16)
  ) {
    throw validationError("'keyValue' must be a string of at least 16 characters.", 'keyValue');
  }
  requireAuthMode(e, 'Key', 'key regeneration');
  const value = (body.keyValue as string | undefined) || newKey();
  const {headers} = startOperation(ctx, ex, e, 'regenerateKeys', () => {
    if (keyType === 'primary') e.keys.primaryKey = value;
    else e.keys.secondaryKey = value;
  });
  sendArm(ex, 202, undefined, headers);
}

function issueAmlToken(ctx: SandboxContext, call: ArmCall, e: Endpoint) {
  const now = ctx.clock.nowSeconds();
  const lifetime = ctx.lifetimes.amlSeconds;
  const exp = now + lifetime;
  return {
    accessToken: ctx.amlSigner.sign({
      iss: `${ctx.baseUrl}/azureml`,
      aud: scoringBase(ctx, e),
      sub: call.principal.objectId,
      tid: ctx.world.tenantId,
      endpoint: endpointScope(e).toLowerCase(),
      eid: e.instanceId,
      iat: now,
      nbf: now,
      exp,
    }),
    expiryTimeUtc: exp,
    refreshAfterTimeUtc: now + Math.floor(lifetime / 2),
    tokenType: 'Bearer',
  };
}

// ---------------------------------------------------------------- routes

const WS =
  '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.MachineLearningServices/workspaces';
const EP = `${WS}/:ws/onlineEndpoints`;

export const mlRoutes: Route[] = [
  {
    pattern: '/subscriptions/:sub/providers/Microsoft.MachineLearningServices/workspaces',
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const sub = findSubscription(ctx, p.sub!);
        const list = ctx.world.workspaces.filter(
          (w) =>
            w.subscriptionId === sub.subscriptionId &&
            isAllowed(ctx.world, call.principal.objectId, `${WS_ACTION}/read`, workspaceScope(w)),
        );
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            list.map((w) => workspaceJson(ctx, w)),
          ),
        );
      },
    },
  },
  {
    pattern: WS,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const sub = findSubscription(ctx, p.sub!);
        findResourceGroup(ctx, sub.subscriptionId, p.rg!);
        const list = ctx.world.workspaces.filter(
          (w) =>
            w.subscriptionId === sub.subscriptionId &&
            w.resourceGroup.toLowerCase() === p.rg!.toLowerCase() &&
            isAllowed(ctx.world, call.principal.objectId, `${WS_ACTION}/read`, workspaceScope(w)),
        );
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            list.map((w) => workspaceJson(ctx, w)),
          ),
        );
      },
    },
  },
  {
    pattern: `${WS}/:ws`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        sendArm(ex, 200, workspaceJson(ctx, findWorkspace(ctx, call, p, `${WS_ACTION}/read`)));
      },
    },
  },
  {
    pattern: EP,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const ws = findWorkspace(ctx, call, p, `${EP_ACTION}/read`, '/onlineEndpoints');
        const nameFilter = ex.url.searchParams.get('name')?.toLowerCase();
        let list = ctx.world.endpoints.filter(
          (e) =>
            e.subscriptionId === ws.subscriptionId &&
            e.resourceGroup === ws.resourceGroup &&
            e.workspace === ws.name &&
            (!nameFilter || e.name.toLowerCase() === nameFilter),
        );
        const order = ex.url.searchParams.get('orderBy');
        if (order === 'CreatedAtDesc')
          list = [...list].sort((a, b) =>
            b.systemData.createdAt.localeCompare(a.systemData.createdAt),
          );
        if (order === 'CreatedAtAsc')
          list = [...list].sort((a, b) =>
            a.systemData.createdAt.localeCompare(b.systemData.createdAt),
          );
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            list.map((e) => endpointJson(ctx, e)),
          ),
        );
      },
    },
  },
  {
    pattern: `${EP}/:ep`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        sendArm(ex, 200, endpointJson(ctx, findEndpoint(ctx, call, p, `${EP_ACTION}/read`)));
      },
      PUT: putEndpoint,
      PATCH: patchEndpoint,
      DELETE: deleteEndpoint,
    },
  },
  {
    pattern: `${EP}/:ep/listKeys`,
    methods: {
      POST: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const e = findEndpoint(ctx, call, p, `${EP_ACTION}/listKeys/action`);
        requireAuthMode(e, 'Key', 'listing keys');
        sendArm(ex, 200, {primaryKey: e.keys.primaryKey, secondaryKey: e.keys.secondaryKey});
      },
    },
  },
  {pattern: `${EP}/:ep/regenerateKeys`, methods: {POST: regenerateKeys}},
  {
    pattern: `${EP}/:ep/token`,
    methods: {
      POST: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const e = findEndpoint(ctx, call, p, `${EP_ACTION}/token/action`);
        requireAuthMode(e, 'AMLToken', 'an Azure ML token');
        sendArm(ex, 200, issueAmlToken(ctx, call, e));
      },
    },
  },
  {
    pattern:
      '/subscriptions/:sub/providers/Microsoft.MachineLearningServices/locations/:loc/mfeOperationsStatus/:op',
    methods: {
      GET: (ctx, ex, _call, p) => {
        checkApiVersion(ex, 'ml');
        const op = findOperation(ctx, p);
        const body: Record<string, unknown> = {
          id: `/subscriptions/${p.sub}/providers/${NS}/locations/${op.location}/mfeOperationsStatus/${op.id}`,
          name: op.id,
          status: op.status,
          startTime: new Date(op.startTime).toISOString(),
        };
        if (op.endTime) body.endTime = new Date(op.endTime).toISOString();
        if (op.error) body.error = {code: op.error.code, message: op.error.message};
        const headers: Record<string, string> =
          op.status === 'InProgress' ? {'retry-after': String(retryAfter(ctx, op))} : {};
        sendArm(ex, 200, body, headers);
      },
    },
  },
  {
    pattern:
      '/subscriptions/:sub/providers/Microsoft.MachineLearningServices/locations/:loc/mfeOperationResults/:op',
    methods: {
      GET: (ctx, ex, _call, p) => {
        checkApiVersion(ex, 'ml');
        const op = findOperation(ctx, p);
        if (op.status === 'InProgress') {
          sendArm(ex, 202, undefined, {
            location: ex.url.toString(),
            'retry-after': String(retryAfter(ctx, op)),
          });
        } else {
          sendArm(ex, 200, undefined);
        }
      },
    },
  },
];
