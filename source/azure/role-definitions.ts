/**
 * Role definitions as `az role definition list|create|update` handles them: listing what can be
 * assigned at a scope, finding one by name or ID, and defining a custom role from a file — reused
 * when an identical one exists, updated only when asked. Built on the AzureContext.
 */
import type {RoleDefinition} from '@azure/arm-authorization';
import {ServiceError} from './errors';
import {nearest} from '../lib/suggest';
import {
  GUID,
  normalizeScope,
  odataString,
  permissionBlock,
  roleDefinitionGuid,
  roleDefinitionIdAt,
  subscriptionOf,
} from '../domain/scopes';
import {roleDifferences} from '../domain/role-file';
import type {AzureContext} from './context';
import type {
  CustomRoleDefinition,
  DefineRoleResult,
  PermissionBlock,
  RoleDefinitionInfo,
} from '../domain/types';
import type {AccessServices} from '../domain/services';

type AuthorizationClient = Awaited<ReturnType<AzureContext['authorization']>>;

function subscriptionIn(scope: string): string {
  const sub = subscriptionOf(scope);
  if (!sub) {
    throw new ServiceError({
      kind: 'invalid',
      title: 'The scope is not inside a subscription',
      detail: `'${scope}' does not start with /subscriptions/{id}.`,
      nextSteps: ['Use a subscription, resource group, workspace or endpoint scope.'],
    });
  }
  return sub;
}

const errorCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && typeof (err as {code?: unknown}).code === 'string'
    ? (err as {code: string}).code
    : undefined;

/** The SDK's role definition as the domain's. */
export function roleDefinitionInfo(d: RoleDefinition): RoleDefinitionInfo {
  const guid = roleDefinitionGuid(d.name ?? d.id ?? '');
  return {
    id: d.id ?? '',
    name: guid,
    roleName: d.roleName ?? guid,
    description: d.description ?? '',
    roleType: d.roleType === 'BuiltInRole' ? 'BuiltInRole' : 'CustomRole',
    permissions: (d.permissions ?? []).map(permissionBlock),
    assignableScopes: [...(d.assignableScopes ?? [])],
  };
}

async function collect(
  client: AuthorizationClient,
  scope: string,
  filter: string | undefined,
  signal?: AbortSignal,
): Promise<RoleDefinition[]> {
  const out: RoleDefinition[] = [];
  for await (const d of client.roleDefinitions.list(scope, {
    ...(filter ? {filter} : {}),
    abortSignal: signal,
  })) {
    out.push(d);
  }
  return out;
}

const byName = (a: RoleDefinitionInfo, b: RoleDefinitionInfo) =>
  a.roleName.localeCompare(b.roleName);

export function roleDefinitionServices(
  ctx: AzureContext,
): Pick<AccessServices, 'listRoleDefinitions' | 'findRoleDefinition' | 'defineRole'> {
  return {
    listRoleDefinitions(scope, options, signal) {
      const at = normalizeScope(scope);
      return ctx.run({operation: 'list role definitions', scope: at}, async () => {
        const client = await ctx.authorization(subscriptionIn(at));
        const filter = options.customOnly ? "type eq 'CustomRole'" : undefined;
        const all = (await collect(client, at, filter, signal)).map(roleDefinitionInfo);
        return (options.customOnly ? all.filter((r) => r.roleType === 'CustomRole') : all).sort(
          byName,
        );
      });
    },

    findRoleDefinition(nameOrId, scope, signal) {
      const at = normalizeScope(scope);
      const wanted = nameOrId.trim();
      return ctx.run({operation: `find the role "${wanted}"`, scope: at}, async () => {
        const client = await ctx.authorization(subscriptionIn(at));
        const guid = roleDefinitionGuid(wanted);
        if (GUID.test(guid)) {
          const id = /^\/subscriptions\//i.test(wanted) ? wanted : roleDefinitionIdAt(at, guid);
          return roleDefinitionInfo(
            await client.roleDefinitions.getById(id, {abortSignal: signal}),
          );
        }
        const hits = await collect(client, at, `roleName eq ${odataString(wanted)}`, signal);
        const hit = hits.find((d) => (d.roleName ?? '').toLowerCase() === wanted.toLowerCase());
        if (hit) return roleDefinitionInfo(hit);
        const names = (await collect(client, at, undefined, signal).catch(() => [])).map(
          (d) => d.roleName ?? '',
        );
        const close = nearest(wanted, names);
        throw new ServiceError({
          kind: 'notFound',
          code: 'RoleDefinitionNotFound',
          title: `No role named "${wanted}" can be assigned at this scope`,
          detail: `No built-in or custom role named "${wanted}" is assignable at ${at}.`,
          nextSteps: [
            ...(close.length ? [`Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?`] : []),
            'List them with `aml-auth roles list` (custom ones: `--custom-only`); define one with `aml-auth roles define --file`.',
          ],
        });
      });
    },

    defineRole(definition: CustomRoleDefinition, options, signal) {
      const scopes = definition.assignableScopes.map(normalizeScope);
      const home = scopes[0];
      const roleName = definition.roleName;
      return ctx.run(
        {operation: `define the custom role "${roleName}"`, ...(home ? {scope: home} : {})},
        async (): Promise<DefineRoleResult> => {
          if (!home) {
            throw new ServiceError({
              kind: 'invalid',
              title: 'The role has no assignable scope',
              detail: `"${roleName}" lists no AssignableScopes, so it could be assigned nowhere.`,
              nextSteps: [
                'Add a subscription, resource group or workspace scope to AssignableScopes.',
              ],
            });
          }
          const sub = subscriptionIn(home);
          const client = await ctx.authorization(sub);
          // Role names are unique in the directory: look for it across the subscription.
          const found = (
            await collect(
              client,
              `/subscriptions/${sub}`,
              `roleName eq ${odataString(roleName)} and atScopeAndBelow()`,
              signal,
            )
          ).filter((d) => (d.roleName ?? '').toLowerCase() === roleName.toLowerCase());
          const body = {
            roleName,
            description: definition.description,
            roleType: 'CustomRole',
            permissions: definition.permissions.map((p: PermissionBlock) => permissionBlock(p)),
            assignableScopes: scopes,
          };
          const existing = found[0];
          if (existing) {
            const info = roleDefinitionInfo(existing);
            if (info.roleType === 'BuiltInRole') {
              throw new ServiceError({
                kind: 'conflict',
                code: 'RoleDefinitionWithSameNameExists',
                title: `"${roleName}" is a built-in role`,
                detail: 'A custom role cannot take the name of a built-in role.',
                nextSteps: ['Give the custom role another Name in the file.'],
              });
            }
            const differences = roleDifferences(info, {...definition, assignableScopes: scopes});
            if (differences.length === 0) return {outcome: 'unchanged', role: info, differences};
            if (!options.update) return {outcome: 'differs', role: info, differences};
            // Updated in place: same GUID, at its own first assignable scope.
            const at = normalizeScope(info.assignableScopes[0] ?? home);
            const updated = await client.roleDefinitions.createOrUpdate(at, info.name, body, {
              abortSignal: signal,
            });
            return {outcome: 'updated', role: roleDefinitionInfo(updated), differences};
          }
          const guid = globalThis.crypto.randomUUID(); // Web Crypto: node:crypto loads only when asked
          try {
            const created = await client.roleDefinitions.createOrUpdate(home, guid, body, {
              abortSignal: signal,
            });
            const info = roleDefinitionInfo(created);
            return {
              outcome: 'created',
              role: info.id ? info : {...info, id: roleDefinitionIdAt(home, guid)},
              differences: [],
            };
          } catch (err) {
            if (errorCode(err) !== 'RoleDefinitionWithSameNameExists') throw err;
            throw new ServiceError(
              {
                kind: 'conflict',
                code: 'RoleDefinitionWithSameNameExists',
                title: `A role named "${roleName}" exists outside this subscription's view`,
                detail:
                  'Role names are unique in the directory; one with this name exists at scopes this identity cannot list.',
                nextSteps: [
                  'Give the role another Name, or ask an admin to add these scopes to the existing role.',
                ],
              },
              {cause: err},
            );
          }
        },
      );
    },
  };
}
