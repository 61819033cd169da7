import type {SandboxContext} from '../context';
import type {Exchange} from '../http';
import {effectivePermissions, principalById, roleById} from '../rbac';
import type {PermissionBlock, RoleDefinition} from '../roles';
import {isGuid, normalizeScope, scopeContains} from '../util';
import {
  endpointScope,
  type PrincipalType,
  type RoleAssignment,
  userAssignedIdentityId,
  workspaceScope,
} from '../world';
import {
  ArmError,
  type ArmCall,
  authorize,
  checkApiVersion,
  findSubscription,
  page,
  readJson,
  sendArm,
} from './common';

const AUTHZ = 'Microsoft.Authorization';
const PRINCIPAL_TYPES: PrincipalType[] = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup'];

/**
 * Handles `/{scope}/providers/Microsoft.Authorization/{roleDefinitions|roleAssignments|permissions}[/{name}]`.
 * Returns false when the path is not an Authorization path.
 */
export async function handleAuthorization(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
): Promise<boolean> {
  const path = ex.path.replace(/\/+$/, '');
  const marker = `/providers/${AUTHZ}/`.toLowerCase();
  const at = path.toLowerCase().lastIndexOf(marker);
  if (at < 0) return false;
  const scope = path.slice(0, at) || '/';
  const [collection, name, ...rest] = path.slice(at + marker.length).split('/');
  if (rest.length) return false;
  checkApiVersion(ex, 'authorization');
  // Azure authorizes a write before it reads the body or checks the names in the path: a PUT
  // by a caller without the write action is 403 AuthorizationFailed even with an invalid body.
  const writeAction = WRITE_ACTIONS[`${(collection ?? '').toLowerCase()} ${ex.method}`];
  if (writeAction && name !== undefined && scope !== '/') {
    const sub = subscriptionOf(scope);
    if (sub) findSubscription(ctx, sub);
    authorize(ctx, call, writeAction, scope);
  }
  switch ((collection ?? '').toLowerCase()) {
    case 'roledefinitions':
      await roleDefinitions(ctx, ex, call, canonicalScope(ctx, scope), name);
      return true;
    case 'roleassignments':
      await roleAssignments(ctx, ex, call, canonicalScope(ctx, scope), name);
      return true;
    case 'permissions':
      if (name !== undefined) return false;
      permissions(ctx, ex, call, canonicalScope(ctx, scope));
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- scopes

/**
 * Checks that a scope names something that exists and returns it spelled as the resource is
 * (`/subscriptions/{id}/resourceGroups/{rg}/providers/…`), so stored scopes compare cleanly.
 */
function canonicalScope(ctx: SandboxContext, scope: string): string {
  const parts = scope.split('/').filter(Boolean);
  if (parts.length === 0) return '/';
  if (parts[0]!.toLowerCase() !== 'subscriptions' || !parts[1]) {
    throw new ArmError(
      400,
      'InvalidScope',
      `The scope '${scope}' is not valid: it must start with /subscriptions/{id}.`,
    );
  }
  const sub = findSubscription(ctx, parts[1]);
  const subScope = `/subscriptions/${sub.subscriptionId}`;
  if (parts.length === 2) return subScope;
  if (parts[2]!.toLowerCase() !== 'resourcegroups' || !parts[3]) {
    throw new ArmError(400, 'InvalidScope', `The scope '${scope}' is not valid.`);
  }
  const rg = ctx.world.resourceGroups.find(
    (r) =>
      r.subscriptionId === sub.subscriptionId && r.name.toLowerCase() === parts[3]!.toLowerCase(),
  );
  if (!rg)
    throw new ArmError(
      404,
      'ResourceGroupNotFound',
      `Resource group '${parts[3]}' could not be found.`,
    );
  const rgScope = `${subScope}/resourceGroups/${rg.name}`;
  if (parts.length === 4) return rgScope;
  const resource = parts.slice(4).join('/').toLowerCase();
  for (const ws of ctx.world.workspaces) {
    if (ws.subscriptionId !== sub.subscriptionId || ws.resourceGroup !== rg.name) continue;
    if (resource === `providers/microsoft.machinelearningservices/workspaces/${ws.name}`)
      return workspaceScope(ws);
  }
  for (const e of ctx.world.endpoints) {
    if (e.subscriptionId !== sub.subscriptionId || e.resourceGroup !== rg.name) continue;
    if (
      resource ===
      `providers/microsoft.machinelearningservices/workspaces/${e.workspace}/onlineendpoints/${e.name}`.toLowerCase()
    ) {
      return endpointScope(e);
    }
  }
  for (const u of ctx.world.userAssignedIdentities) {
    if (u.subscriptionId !== sub.subscriptionId || u.resourceGroup !== rg.name) continue;
    if (
      resource ===
      `providers/microsoft.managedidentity/userassignedidentities/${u.name}`.toLowerCase()
    )
      return userAssignedIdentityId(u);
  }
  throw new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${parts.slice(5).join('/')}' under resource group '${rg.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

const WRITE_ACTIONS: Record<string, string> = {
  'roledefinitions PUT': `${AUTHZ}/roleDefinitions/write`,
  'roledefinitions DELETE': `${AUTHZ}/roleDefinitions/delete`,
  'roleassignments PUT': `${AUTHZ}/roleAssignments/write`,
  'roleassignments DELETE': `${AUTHZ}/roleAssignments/delete`,
};

const subscriptionOf = (scope: string): string | undefined =>
  /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];

// ---------------------------------------------------------------- role definitions

function roleDefinitionId(scope: string, guid: string): string {
  const sub = subscriptionOf(scope);
  return sub
    ? `/subscriptions/${sub}/providers/${AUTHZ}/roleDefinitions/${guid}`
    : `/providers/${AUTHZ}/roleDefinitions/${guid}`;
}

export function roleDefinitionJson(scope: string, r: RoleDefinition) {
  return {
    id: roleDefinitionId(scope, r.guid),
    name: r.guid,
    type: `${AUTHZ}/roleDefinitions`,
    properties: {
      roleName: r.roleName,
      type: r.type,
      description: r.description,
      assignableScopes: r.assignableScopes,
      permissions: r.permissions,
      createdOn: r.createdOn,
      updatedOn: r.updatedOn,
      createdBy: r.createdBy,
      updatedBy: r.updatedBy,
    },
  };
}

/** A role can be used at a scope when one of its assignable scopes contains it. */
const assignableAt = (r: RoleDefinition, scope: string) =>
  r.assignableScopes.some((s) => scopeContains(s, scope));

function parseRoleDefinitionFilter(filter: string | null): {
  roleName?: string;
  type?: string;
  below: boolean;
} {
  if (!filter) return {below: false};
  const out: {roleName?: string; type?: string; below: boolean} = {below: false};
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m;
    if ((m = /^roleName\s+eq\s+'((?:[^']|'')*)'$/i.exec(c)))
      out.roleName = m[1]!.replace(/''/g, "'");
    else if ((m = /^type\s+eq\s+'([^']*)'$/i.exec(c))) out.type = m[1];
    else if (/^atScopeAndBelow\(\)$/i.test(c)) out.below = true;
    else
      throw new ArmError(
        400,
        'InvalidFilter',
        `The filter '${filter}' is not supported. Use roleName eq '{name}', type eq '{type}' or atScopeAndBelow().`,
      );
  }
  return out;
}

async function roleDefinitions(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  scope: string,
  name?: string,
) {
  if (name === undefined) {
    if (ex.method !== 'GET')
      throw new ArmError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${ex.method}'.`,
      );
    if (scope !== '/') authorize(ctx, call, `${AUTHZ}/roleDefinitions/read`, scope);
    const f = parseRoleDefinitionFilter(ex.url.searchParams.get('$filter'));
    const list = ctx.world.roleDefinitions.filter(
      (r) =>
        (assignableAt(r, scope) ||
          (f.below && r.assignableScopes.some((s) => scopeContains(scope, s)))) &&
        (!f.roleName || r.roleName.toLowerCase() === f.roleName.toLowerCase()) &&
        (!f.type || r.type.toLowerCase() === f.type.toLowerCase()),
    );
    sendArm(
      ex,
      200,
      page(
        ctx,
        ex,
        list.map((r) => roleDefinitionJson(scope, r)),
      ),
    );
    return;
  }
  if (!isGuid(name)) {
    throw new ArmError(
      400,
      'InvalidRoleDefinitionId',
      `The role definition ID '${name}' is not valid.`,
    );
  }
  switch (ex.method) {
    case 'GET': {
      if (scope !== '/') authorize(ctx, call, `${AUTHZ}/roleDefinitions/read`, scope);
      const r = roleById(ctx.world, name);
      if (
        !r ||
        (scope !== '/' &&
          !assignableAt(r, scope) &&
          !r.assignableScopes.some((s) => scopeContains(scope, s)))
      ) {
        throw new ArmError(
          404,
          'RoleDefinitionDoesNotExist',
          `The specified role definition with ID '${name}' does not exist.`,
        );
      }
      sendArm(ex, 200, roleDefinitionJson(scope, r));
      return;
    }
    case 'PUT':
      await putRoleDefinition(ctx, ex, call, scope, name.toLowerCase());
      return;
    case 'DELETE': {
      if (scope === '/')
        throw new ArmError(
          400,
          'InvalidScope',
          'Custom role definitions are deleted at a subscription or lower scope.',
        );
      authorize(ctx, call, `${AUTHZ}/roleDefinitions/delete`, scope);
      const r = roleById(ctx.world, name);
      if (!r) {
        sendArm(ex, 204, undefined);
        return;
      }
      if (r.type === 'BuiltInRole')
        throw new ArmError(
          400,
          'RoleDefinitionCannotBeDeleted',
          `Built-in role '${r.roleName}' cannot be deleted.`,
        );
      if (ctx.world.roleAssignments.some((a) => a.roleDefinitionGuid.toLowerCase() === r.guid)) {
        throw new ArmError(
          409,
          'RoleDefinitionHasAssignments',
          'There are existing role assignments referencing role (code: RoleDefinitionHasAssignments)',
        );
      }
      ctx.world.roleDefinitions = ctx.world.roleDefinitions.filter((x) => x !== r);
      sendArm(ex, 200, roleDefinitionJson(scope, r));
      return;
    }
    default:
      throw new ArmError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${ex.method}'.`,
      );
  }
}

function stringArray(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ArmError(400, 'InvalidRoleDefinition', `'${field}' must be an array of strings.`);
  }
  return value;
}

async function putRoleDefinition(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  scope: string,
  guid: string,
) {
  if (scope === '/')
    throw new ArmError(
      400,
      'InvalidScope',
      'Custom role definitions are created at a subscription or lower scope.',
    );
  const body = await readJson(ex);
  const props = (body.properties ?? {}) as Record<string, unknown>;
  const roleName = typeof props.roleName === 'string' ? props.roleName.trim() : '';
  if (!roleName)
    throw new ArmError(
      400,
      'RoleDefinitionNameNullOrEmpty',
      'The role definition name cannot be null or empty.',
    );
  const rawPermissions = props.permissions ?? [];
  if (!Array.isArray(rawPermissions))
    throw new ArmError(400, 'InvalidRoleDefinition', "'permissions' must be an array.");
  const permissions: PermissionBlock[] = rawPermissions.map(
    (p: Record<string, unknown>, i: number) => ({
      actions: stringArray(p?.actions, `permissions[${i}].actions`),
      notActions: stringArray(p?.notActions, `permissions[${i}].notActions`),
      dataActions: stringArray(p?.dataActions, `permissions[${i}].dataActions`),
      notDataActions: stringArray(p?.notDataActions, `permissions[${i}].notDataActions`),
    }),
  );
  const rawScopes = stringArray(props.assignableScopes, 'assignableScopes');
  if (rawScopes.length === 0) {
    throw new ArmError(
      400,
      'InvalidAssignableScopes',
      'A custom role needs at least one assignable scope.',
    );
  }
  const assignableScopes = rawScopes.map((s) => canonicalScope(ctx, s));
  // The role must also be writable at each scope it can be assigned at.
  for (const s of assignableScopes) authorize(ctx, call, `${AUTHZ}/roleDefinitions/write`, s, s);
  const existing = roleById(ctx.world, guid);
  if (existing?.type === 'BuiltInRole') {
    throw new ArmError(
      400,
      'RoleDefinitionCannotBeModified',
      `Built-in role '${existing.roleName}' cannot be modified.`,
    );
  }
  const clash = ctx.world.roleDefinitions.find(
    (r) => r.guid !== guid && r.roleName.toLowerCase() === roleName.toLowerCase(),
  );
  if (clash) {
    throw new ArmError(
      409,
      'RoleDefinitionWithSameNameExists',
      'A custom role with the same name already exists in this directory.',
    );
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const role: RoleDefinition = {
    guid,
    roleName,
    description: typeof props.description === 'string' ? props.description : '',
    type: 'CustomRole',
    permissions,
    assignableScopes,
    createdOn: existing?.createdOn ?? now,
    updatedOn: now,
    createdBy: existing?.createdBy ?? call.principal.objectId,
    updatedBy: call.principal.objectId,
  };
  if (existing) Object.assign(existing, role);
  else ctx.world.roleDefinitions.push(role);
  sendArm(ex, 201, roleDefinitionJson(scope, existing ?? role));
}

// ---------------------------------------------------------------- role assignments

function roleAssignmentJson(a: RoleAssignment) {
  const sub = subscriptionOf(a.scope);
  return {
    id: `${a.scope === '/' ? '' : a.scope}/providers/${AUTHZ}/roleAssignments/${a.name}`,
    name: a.name,
    type: `${AUTHZ}/roleAssignments`,
    properties: {
      roleDefinitionId: sub
        ? `/subscriptions/${sub}/providers/${AUTHZ}/roleDefinitions/${a.roleDefinitionGuid}`
        : `/providers/${AUTHZ}/roleDefinitions/${a.roleDefinitionGuid}`,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: a.condition,
      conditionVersion: a.conditionVersion,
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: a.createdBy,
      updatedBy: a.updatedBy,
      delegatedManagedIdentityResourceId: null,
      description: a.description,
    },
  };
}

function parseAssignmentFilter(filter: string | null): {atScope: boolean; principalId?: string} {
  const out: {atScope: boolean; principalId?: string} = {atScope: false};
  if (!filter) return out;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m;
    if (/^atScope\(\)$/i.test(c)) out.atScope = true;
    else if ((m = /^principalId\s+eq\s+'?([0-9a-f-]{36})'?$/i.exec(c)))
      out.principalId = m[1]!.toLowerCase();
    else if ((m = /^assignedTo\('([0-9a-f-]{36})'\)$/i.exec(c)))
      out.principalId = m[1]!.toLowerCase();
    else
      throw new ArmError(
        400,
        'InvalidFilter',
        `The filter '${filter}' is not supported. Use atScope(), principalId eq '{id}' or assignedTo('{id}').`,
      );
  }
  return out;
}

async function roleAssignments(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  scope: string,
  name?: string,
) {
  if (name === undefined) {
    if (ex.method !== 'GET')
      throw new ArmError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${ex.method}'.`,
      );
    if (scope === '/')
      throw new ArmError(
        400,
        'InvalidScope',
        'List role assignments at a subscription or lower scope.',
      );
    authorize(ctx, call, `${AUTHZ}/roleAssignments/read`, scope);
    const f = parseAssignmentFilter(ex.url.searchParams.get('$filter'));
    const list = ctx.world.roleAssignments.filter(
      (a) =>
        (scopeContains(a.scope, scope) || (!f.atScope && scopeContains(scope, a.scope))) &&
        (!f.principalId || a.principalId.toLowerCase() === f.principalId),
    );
    sendArm(ex, 200, page(ctx, ex, list.map(roleAssignmentJson)));
    return;
  }
  if (!isGuid(name)) {
    throw new ArmError(
      400,
      'InvalidRoleAssignmentId',
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const existing = ctx.world.roleAssignments.find(
    (a) => a.name.toLowerCase() === name.toLowerCase(),
  );
  switch (ex.method) {
    case 'GET':
      authorize(ctx, call, `${AUTHZ}/roleAssignments/read`, scope);
      if (!existing || normalizeScope(existing.scope) !== normalizeScope(scope)) {
        throw new ArmError(
          404,
          'RoleAssignmentNotFound',
          `The role assignment '${name}' is not found.`,
        );
      }
      sendArm(ex, 200, roleAssignmentJson(existing));
      return;
    case 'DELETE':
      authorize(ctx, call, `${AUTHZ}/roleAssignments/delete`, scope);
      if (!existing || normalizeScope(existing.scope) !== normalizeScope(scope)) {
        sendArm(ex, 204, undefined);
        return;
      }
      ctx.world.roleAssignments = ctx.world.roleAssignments.filter((a) => a !== existing);
      sendArm(ex, 200, roleAssignmentJson(existing));
      return;
    case 'PUT':
      await putRoleAssignment(ctx, ex, call, scope, name.toLowerCase(), existing);
      return;
    default:
      throw new ArmError(
        405,
        'MethodNotAllowed',
        `The requested resource does not support http method '${ex.method}'.`,
      );
  }
}

async function putRoleAssignment(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  scope: string,
  name: string,
  existing: RoleAssignment | undefined,
) {
  if (scope === '/')
    throw new ArmError(400, 'InvalidScope', 'Assign roles at a subscription or lower scope.');
  authorize(ctx, call, `${AUTHZ}/roleAssignments/write`, scope);
  const body = await readJson(ex);
  const props = (body.properties ?? {}) as Record<string, unknown>;
  const roleDefinitionId = typeof props.roleDefinitionId === 'string' ? props.roleDefinitionId : '';
  const principalId = typeof props.principalId === 'string' ? props.principalId.toLowerCase() : '';
  if (!roleDefinitionId)
    throw new ArmError(
      400,
      'InvalidRoleDefinitionId',
      "The request is missing 'properties.roleDefinitionId'.",
    );
  if (!principalId)
    throw new ArmError(
      400,
      'InvalidPrincipalId',
      "The request is missing 'properties.principalId'.",
    );
  const roleGuid =
    /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(
      roleDefinitionId,
    )?.[1] ?? '';
  if (!isGuid(roleGuid))
    throw new ArmError(
      400,
      'InvalidRoleDefinitionId',
      `The role definition ID '${roleDefinitionId}' is not valid.`,
    );
  const role = roleById(ctx.world, roleGuid);
  if (!role || !assignableAt(role, scope)) {
    throw new ArmError(
      400,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${roleGuid}' does not exist.`,
    );
  }
  const principal = isGuid(principalId) ? principalById(ctx.world, principalId) : undefined;
  if (!principal) {
    throw new ArmError(
      400,
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${ctx.world.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  const actualType: PrincipalType = principal.kind === 'user' ? 'User' : 'ServicePrincipal';
  const requested = props.principalType === undefined ? 'User' : props.principalType;
  const principalType = PRINCIPAL_TYPES.find(
    (t) => typeof requested === 'string' && t.toLowerCase() === requested.toLowerCase(),
  );
  if (!principalType) {
    throw new ArmError(
      400,
      'InvalidPrincipalType',
      `'${String(requested)}' is not a valid principal type: use User, Group, ServicePrincipal or ForeignGroup.`,
    );
  }
  if (principalType !== actualType) {
    throw new ArmError(
      400,
      'UnmatchedPrincipalType',
      `The PrincipalId '${principalId.replace(/-/g, '')}' has type '${actualType}' , which is different from specified PrinciaplType '${principalType}'.`,
    );
  }
  const description = typeof props.description === 'string' ? props.description : null;
  if (existing) {
    const same =
      normalizeScope(existing.scope) === normalizeScope(scope) &&
      existing.principalId.toLowerCase() === principalId &&
      existing.roleDefinitionGuid.toLowerCase() === role.guid;
    if (!same) {
      throw new ArmError(
        400,
        'RoleAssignmentUpdateNotPermitted',
        'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
      );
    }
    existing.description = description;
    existing.updatedOn = new Date(ctx.clock.now()).toISOString();
    existing.updatedBy = call.principal.objectId;
    sendArm(ex, 201, roleAssignmentJson(existing));
    return;
  }
  const duplicate = ctx.world.roleAssignments.find(
    (a) =>
      normalizeScope(a.scope) === normalizeScope(scope) &&
      a.principalId.toLowerCase() === principalId &&
      a.roleDefinitionGuid.toLowerCase() === role.guid,
  );
  if (duplicate) {
    throw new ArmError(
      409,
      'RoleAssignmentExists',
      `The role assignment already exists. The ID of the existing role assignment is ${duplicate.name.replace(/-/g, '')}.`,
    );
  }
  const now = new Date(ctx.clock.now()).toISOString();
  const assignment: RoleAssignment = {
    name,
    scope,
    roleDefinitionGuid: role.guid,
    principalId: principal.objectId,
    principalType,
    description,
    condition: typeof props.condition === 'string' ? props.condition : null,
    conditionVersion: typeof props.conditionVersion === 'string' ? props.conditionVersion : null,
    createdOn: now,
    updatedOn: now,
    createdBy: call.principal.objectId,
    updatedBy: call.principal.objectId,
  };
  ctx.world.roleAssignments.push(assignment);
  sendArm(ex, 201, roleAssignmentJson(assignment));
}

// ---------------------------------------------------------------- permissions

function permissions(ctx: SandboxContext, ex: Exchange, call: ArmCall, scope: string) {
  if (ex.method !== 'GET')
    throw new ArmError(
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${ex.method}'.`,
    );
  // The stable API serves permissions for a resource group or a resource only (CONTRACT §6).
  if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.test(scope)) {
    throw new ArmError(
      404,
      'InvalidResourceType',
      'Permissions are listed for a resource group or a resource: /subscriptions/{id}/resourceGroups/{rg}[/providers/…]/providers/Microsoft.Authorization/permissions.',
    );
  }
  sendArm(ex, 200, page(ctx, ex, effectivePermissions(ctx.world, call.principal.objectId, scope)));
}
