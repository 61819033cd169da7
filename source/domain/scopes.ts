/**
 * ARM scopes and role IDs, as plain strings: no `@azure/*` import. Scopes compare
 * case-insensitively and by whole path segments (`/rg-a` does not contain `/rg-ab`).
 */
import type {EndpointRef, PermissionBlock} from './types';

const AUTHZ = 'Microsoft.Authorization';

/** The ARM ID (and RBAC scope) of an online endpoint. */
export const endpointScope = (ref: EndpointRef): string =>
  `${workspaceScope(ref)}/onlineEndpoints/${ref.endpoint}`;

export const workspaceScope = (
  ref: Pick<EndpointRef, 'subscriptionId' | 'resourceGroup' | 'workspace'>,
): string =>
  `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}`;

/** `/a/b/` and `a/b` are the same scope; `/` stays `/`. Azure's examples omit the leading slash. */
export function normalizeScope(scope: string): string {
  const trimmed = scope.trim().replace(/\/+$/, '');
  if (!trimmed) return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

const segments = (scope: string) => normalizeScope(scope).toLowerCase().split('/').filter(Boolean);

export const sameScope = (a: string, b: string): boolean =>
  normalizeScope(a).toLowerCase() === normalizeScope(b).toLowerCase();

/** True when `outer` is `inner` or one of its ancestors (`/` contains everything). */
export function scopeContains(outer: string, inner: string): boolean {
  const o = segments(outer);
  const i = segments(inner);
  return o.length <= i.length && o.every((s, n) => s === i[n]);
}

/**
 * Where a role can be assigned for a scope Azure names: the resource itself, never an RBAC object
 * under it (`…/providers/Microsoft.Authorization/roleDefinitions/{id}` is no place to assign a role).
 */
export function assignmentScopeOf(scope: string): string {
  const n = normalizeScope(scope);
  const m = /^(.*?)\/providers\/Microsoft\.Authorization(?:\/.*)?$/i.exec(n);
  return m ? m[1] || '/' : n;
}

export const subscriptionOf = (scope: string): string | undefined =>
  /^\/subscriptions\/([^/]+)/i.exec(normalizeScope(scope))?.[1];

/** The scope part of a role assignment ID (`{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`). */
export function scopeOfAssignmentId(id: string): string | undefined {
  const at = id.toLowerCase().lastIndexOf(`/providers/${AUTHZ.toLowerCase()}/roleassignments/`);
  return at < 0 ? undefined : normalizeScope(id.slice(0, at));
}

/** The GUID at the end of a role definition ID (or the ID itself when it is a bare GUID). */
export function roleDefinitionGuid(id: string): string {
  const last = id.replace(/\/+$/, '').split('/').pop() ?? '';
  return last.toLowerCase();
}

/**
 * A role definition ID as role assignments want it: at the subscription of `scope`, or tenant-wide
 * (`/providers/…`) for scopes above any subscription (management groups, `/`).
 */
export function roleDefinitionIdAt(scope: string, guid: string): string {
  const sub = subscriptionOf(scope);
  return sub
    ? `/subscriptions/${sub}/providers/${AUTHZ}/roleDefinitions/${guid}`
    : `/providers/${AUTHZ}/roleDefinitions/${guid}`;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OData string literal for a `$filter`: single quotes doubled. */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** A permission block with every array present (the API may omit empty ones). */
export function permissionBlock(p: {
  actions?: string[] | null;
  notActions?: string[] | null;
  dataActions?: string[] | null;
  notDataActions?: string[] | null;
}): PermissionBlock {
  return {
    actions: [...(p.actions ?? [])],
    notActions: [...(p.notActions ?? [])],
    dataActions: [...(p.dataActions ?? [])],
    notDataActions: [...(p.notDataActions ?? [])],
  };
}

/**
 * Epoch milliseconds from a timestamp that Azure ML sends in seconds (`expiryTimeUtc`,
 * `refreshAfterTimeUtc`). A value already in milliseconds (after the year 33658 in seconds) is kept.
 */
export function epochToMs(value: number): number {
  return value > 1e12 ? value : value * 1000;
}

/** The resource a scope names: `https://ml.azure.com/.default` → `https://ml.azure.com`. */
export function resourceOfScope(scope: string): string {
  return scope.replace(/\/?\.default$/, '').replace(/\/+$/, '');
}
