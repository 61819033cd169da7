import {actionMatches, blockAllows} from '../domain/permissions';
import type {PermissionBlock, RoleDefinition} from './roles';
import type {Principal, RoleAssignment, World} from './world';
import {scopeContains} from './util';

export {actionMatches, blockAllows};

export function roleById(world: World, guid: string): RoleDefinition | undefined {
  const g = guid.toLowerCase();
  return world.roleDefinitions.find((r) => r.guid.toLowerCase() === g);
}

/** Assignments of this principal that apply at `scope` (made at the scope or any scope above it). */
export function applicableAssignments(
  world: World,
  principalId: string,
  scope: string,
): RoleAssignment[] {
  const id = principalId.toLowerCase();
  return world.roleAssignments.filter(
    (a) => a.principalId.toLowerCase() === id && scopeContains(a.scope, scope),
  );
}

/** The permission blocks in effect for the principal at the scope: what the permissions API returns. */
export function effectivePermissions(
  world: World,
  principalId: string,
  scope: string,
): PermissionBlock[] {
  const blocks: PermissionBlock[] = [];
  for (const a of applicableAssignments(world, principalId, scope)) {
    const role = roleById(world, a.roleDefinitionGuid);
    if (role) blocks.push(...role.permissions);
  }
  return blocks;
}

export function isAllowed(
  world: World,
  principalId: string,
  action: string,
  scope: string,
  data = false,
): boolean {
  return effectivePermissions(world, principalId, scope).some((b) => blockAllows(b, action, data));
}

/** True when the principal holds any role at, above or below the scope (what makes a subscription visible). */
export function hasAnyAccessWithin(world: World, principalId: string, scope: string): boolean {
  const id = principalId.toLowerCase();
  return world.roleAssignments.some(
    (a) =>
      a.principalId.toLowerCase() === id &&
      (scopeContains(a.scope, scope) || scopeContains(scope, a.scope)),
  );
}

export function principalById(world: World, objectId: string): Principal | undefined {
  const id = objectId.toLowerCase();
  return world.principals.find((p) => p.objectId.toLowerCase() === id);
}
