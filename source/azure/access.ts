/**
 * The access part of the Services: roles and permissions (Microsoft.Authorization), endpoint keys
 * and tokens, and scoring. Built on the AzureContext (context.ts); the SDK modules load on first use.
 */
import type {RoleAssignment, RoleDefinition} from '@azure/arm-authorization';
import {untilDone, withProgress} from './async';
import {ServiceError} from './errors';
import {createInvoker} from './scoring';
import {
  endpointScope,
  epochToMs,
  GUID,
  normalizeScope,
  odataString,
  permissionBlock,
  roleDefinitionGuid,
  roleDefinitionIdAt,
  sameScope,
  scopeContains,
  scopeOfAssignmentId,
  subscriptionOf,
} from '../domain/scopes';
import type {AzureContext} from './context';
import type {PrincipalRef, RoleAssignmentInfo, UnreadableRole} from '../domain/types';
import type {AccessServices} from '../domain/services';

type AuthorizationClient = Awaited<ReturnType<AzureContext['authorization']>>;

const ML_NAMESPACE = 'Microsoft.MachineLearningServices';

const who = (p: PrincipalRef) => p.label ?? `${p.type} ${p.objectId}`;

function invalid(title: string, detail: string, nextSteps: string[]): ServiceError {
  return new ServiceError({kind: 'invalid', title, detail, nextSteps});
}

function checkObjectId(principal: PrincipalRef): string {
  const id = principal.objectId.trim();
  if (!GUID.test(id)) {
    throw invalid('That is not an object ID', `'${principal.objectId}' is not a GUID.`, [
      'Give the object ID of the user, group or service principal (a GUID from Microsoft Entra ID).',
      'For an app, that is the object ID of its service principal (`az ad sp show --id <appId> --query id`), not the client ID.',
    ]);
  }
  return id.toLowerCase();
}

/** A scope's subscription: every call here is about a scope inside one. */
function subscriptionIn(scope: string): string {
  const sub = subscriptionOf(scope);
  if (!sub) {
    throw invalid(
      'The scope is not inside a subscription',
      `'${scope}' does not start with /subscriptions/{id}.`,
      ['Choose a subscription, resource group, workspace or endpoint scope.'],
    );
  }
  return sub;
}

const errorCode = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && typeof (err as {code?: unknown}).code === 'string'
    ? (err as {code: string}).code
    : undefined;
const errorStatus = (err: unknown): number | undefined =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as {statusCode?: unknown}).statusCode === 'number'
    ? (err as {statusCode: number}).statusCode
    : undefined;

/** The scope an assignment was made at: its `scope`, else read from its ID. */
const scopeOfAssignment = (a: RoleAssignment, fallback: string): string =>
  normalizeScope(a.scope ?? (a.id ? scopeOfAssignmentId(a.id) : undefined) ?? fallback);

export function assignmentInfo(
  a: RoleAssignment,
  askedScope: string,
  roleName: string,
): RoleAssignmentInfo {
  const scope = scopeOfAssignment(a, askedScope);
  return {
    id: a.id ?? '',
    name: a.name ?? '',
    scope,
    roleDefinitionId: a.roleDefinitionId ?? '',
    roleName,
    principalId: a.principalId ?? '',
    principalType: a.principalType ?? 'Unknown',
    inherited: !sameScope(scope, askedScope),
  };
}

/** Role names by definition ID, each definition read once per call; the GUID when unreadable. */
function roleNames(client: AuthorizationClient, signal?: AbortSignal) {
  const cache = new Map<string, Promise<string>>();
  return (roleDefinitionId: string | undefined): Promise<string> => {
    if (!roleDefinitionId) return Promise.resolve('');
    const guid = roleDefinitionGuid(roleDefinitionId);
    let name = cache.get(guid);
    if (!name) {
      name = client.roleDefinitions
        .getById(roleDefinitionId, {abortSignal: signal})
        .then((d) => d.roleName || guid)
        .catch((err: unknown) => {
          if (signal?.aborted) throw err;
          return guid;
        });
      cache.set(guid, name);
    }
    return name;
  };
}

function notAssignableHere(
  roleName: string,
  scope: string,
  assignableScopes: string[] | undefined,
): ServiceError {
  const listed = assignableScopes?.length ? assignableScopes.join(', ') : undefined;
  return new ServiceError({
    kind: 'conflict',
    code: 'RoleDefinitionWithSameNameExists',
    title: `The custom role "${roleName}" exists but can't be assigned at this scope`,
    detail: listed
      ? `Its assignable scopes are ${listed}; ${scope} is not inside them.`
      : `A custom role with this name exists in the directory, and ${scope} is not among its assignable scopes.`,
    hint: 'Role names are unique in a directory, so a second role with this name cannot be created. A custom role can be assigned only at or below its assignable scopes.',
    nextSteps: [
      `Ask an admin to add ${scope} to the role's assignable scopes (az role definition update).`,
      'Or choose a scope inside its assignable scopes.',
    ],
  });
}

export function accessServices(
  ctx: AzureContext,
): Omit<
  AccessServices,
  'listRoleDefinitions' | 'findRoleDefinition' | 'defineRole' | 'findPrincipal'
> {
  const invoke = createInvoker(ctx.cloud);

  async function listDefinitionsByName(
    client: AuthorizationClient,
    scope: string,
    roleName: string,
    below: boolean,
    signal?: AbortSignal,
  ): Promise<RoleDefinition[]> {
    const out: RoleDefinition[] = [];
    const filter = `roleName eq ${odataString(roleName)}${below ? ' and atScopeAndBelow()' : ''}`;
    for await (const d of client.roleDefinitions.list(scope, {filter, abortSignal: signal})) {
      if ((d.roleName ?? '').toLowerCase() === roleName.toLowerCase()) out.push(d);
    }
    return out;
  }

  return {
    myPermissions(ref, signal) {
      return ctx.run(
        {operation: `read your permissions on ${ref.endpoint}`, scope: endpointScope(ref)},
        async () => {
          const client = await ctx.authorization(ref.subscriptionId);
          const out = [];
          for await (const p of client.permissions.listForResource(
            ref.resourceGroup,
            ML_NAMESPACE,
            `workspaces/${ref.workspace}`,
            'onlineEndpoints',
            ref.endpoint,
            {abortSignal: signal},
          )) {
            out.push(permissionBlock(p));
          }
          return out;
        },
      );
    },

    principalPermissions(principal, ref, signal) {
      const scope = endpointScope(ref);
      return ctx.run(
        {operation: `read the permissions of ${who(principal)} on ${ref.endpoint}`, scope},
        async () => {
          const id = checkObjectId(principal);
          const client = await ctx.authorization(ref.subscriptionId);
          // assignedTo() also returns the assignments of the groups the principal is in.
          const definitions = new Map<string, {id: string; scope: string}>();
          for await (const a of client.roleAssignments.listForScope(scope, {
            filter: `assignedTo(${odataString(id)})`,
            abortSignal: signal,
          })) {
            const at = scopeOfAssignment(a, scope);
            if (!a.roleDefinitionId || !scopeContains(at, scope)) continue;
            definitions.set(roleDefinitionGuid(a.roleDefinitionId), {
              id: a.roleDefinitionId,
              scope: at,
            });
          }
          // A definition the caller may not read (403), that is gone (404) or whose ID Azure
          // refuses (400) does not stop the check — nor make it "bad input": it goes on with
          // the others and says which one it could not read. Sign-in, throttling and server
          // errors still stop it.
          const unreadable: UnreadableRole[] = [];
          const roles = await Promise.all(
            [...definitions.values()].map(async (d) => {
              try {
                return await client.roleDefinitions.getById(d.id, {abortSignal: signal});
              } catch (err) {
                const status = errorStatus(err);
                if (status !== 400 && status !== 403 && status !== 404) throw err;
                const message = err instanceof Error ? err.message.split('\n')[0]! : '';
                unreadable.push({
                  roleDefinitionId: d.id,
                  scope: d.scope,
                  reason: `${errorCode(err) ?? `HTTP ${status}`}: ${message}`.trim(),
                });
                return undefined;
              }
            }),
          );
          return {
            blocks: roles.flatMap((r) => (r?.permissions ?? []).map(permissionBlock)),
            unreadable,
          };
        },
      );
    },

    listRoleAssignments(scope, signal) {
      const at = normalizeScope(scope);
      return ctx.run({operation: 'list role assignments', scope: at}, async () => {
        const client = await ctx.authorization(subscriptionIn(at));
        const assignments: RoleAssignment[] = [];
        // atScope(): assignments at the scope and above it (inherited), not below.
        for await (const a of client.roleAssignments.listForScope(at, {
          filter: 'atScope()',
          abortSignal: signal,
        })) {
          assignments.push(a);
        }
        const names = roleNames(client, signal);
        const out = await Promise.all(
          assignments.map(async (a) => assignmentInfo(a, at, await names(a.roleDefinitionId))),
        );
        const depth = (s: string) => s.split('/').length;
        return out.sort(
          (a, b) =>
            Number(a.inherited) - Number(b.inherited) ||
            depth(b.scope) - depth(a.scope) ||
            a.roleName.localeCompare(b.roleName),
        );
      });
    },

    async ensureRoleDefinition(template, assignableScope, signal) {
      const scope = normalizeScope(assignableScope);
      const sub = subscriptionIn(scope);
      if (template.builtInId) {
        // Built-in roles exist everywhere: nothing to read or write.
        return {
          id: roleDefinitionIdAt(scope, template.builtInId.toLowerCase()),
          roleName: template.roleName,
          created: false,
        };
      }
      const roleName = template.roleName;
      return ctx.run({operation: `create the custom role "${roleName}"`, scope}, async () => {
        const client = await ctx.authorization(sub);
        const found = await listDefinitionsByName(client, scope, roleName, false, signal);
        const existing = found.find((d) => d.roleType !== 'BuiltInRole') ?? found[0];
        if (existing) {
          const scopes = existing.assignableScopes ?? [];
          if (existing.roleType !== 'BuiltInRole' && !scopes.some((s) => scopeContains(s, scope))) {
            throw notAssignableHere(roleName, scope, scopes);
          }
          return {
            id: roleDefinitionIdAt(scope, roleDefinitionGuid(existing.name ?? existing.id ?? '')),
            roleName: existing.roleName ?? roleName,
            created: false,
          };
        }
        const guid = globalThis.crypto.randomUUID();
        try {
          // Created at its assignable scope, as `az role definition create` does.
          const created = await client.roleDefinitions.createOrUpdate(
            scope,
            guid,
            {
              roleName,
              description: template.description,
              roleType: 'CustomRole',
              permissions: template.permissions.map(permissionBlock),
              assignableScopes: [scope],
            },
            {abortSignal: signal},
          );
          return {
            id: roleDefinitionIdAt(scope, roleDefinitionGuid(created.name ?? guid)),
            roleName: created.roleName ?? roleName,
            created: true,
          };
        } catch (err) {
          if (errorCode(err) !== 'RoleDefinitionWithSameNameExists') throw err;
          // It exists, but not for this scope: find where it can be assigned (best effort).
          const elsewhere = await listDefinitionsByName(
            client,
            `/subscriptions/${sub}`,
            roleName,
            true,
            signal,
          ).catch(() => []);
          throw notAssignableHere(roleName, scope, elsewhere[0]?.assignableScopes);
        }
      });
    },

    assignRole(roleDefinitionId, principal, scope, signal) {
      const at = normalizeScope(scope);
      return ctx.run({operation: `assign the role to ${who(principal)}`, scope: at}, async () => {
        const id = checkObjectId(principal);
        const roleGuid = roleDefinitionGuid(roleDefinitionId);
        if (!GUID.test(roleGuid)) {
          throw invalid(
            'That is not a role definition ID',
            `'${roleDefinitionId}' does not end in a role GUID.`,
            ['Choose a role from the list.'],
          );
        }
        // The form assignments use: at the subscription (also for a bare GUID or a tenant-wide ID).
        const fullRoleId = /^\/subscriptions\//i.test(roleDefinitionId)
          ? roleDefinitionId
          : roleDefinitionIdAt(at, roleGuid);
        const client = await ctx.authorization(subscriptionIn(at));
        const names = roleNames(client, signal);
        const info = async (a: RoleAssignment) =>
          assignmentInfo(a, at, await names(a.roleDefinitionId ?? fullRoleId));

        const findExisting = async (): Promise<RoleAssignment | undefined> => {
          for await (const a of client.roleAssignments.listForScope(at, {
            filter: `principalId eq ${odataString(id)}`,
            abortSignal: signal,
          })) {
            if (
              sameScope(scopeOfAssignment(a, at), at) &&
              (a.principalId ?? '').toLowerCase() === id &&
              roleDefinitionGuid(a.roleDefinitionId ?? '') === roleGuid
            ) {
              return a;
            }
          }
          return undefined;
        };

        // Reading assignments needs roleAssignments/read; without it the PUT still decides.
        const existing = await findExisting().catch((err: unknown) => {
          if (errorStatus(err) === 403) return undefined;
          throw err;
        });
        if (existing) return {assignment: await info(existing), existed: true};

        try {
          const created = await client.roleAssignments.create(
            at,
            globalThis.crypto.randomUUID(),
            {roleDefinitionId: fullRoleId, principalId: id, principalType: principal.type},
            {abortSignal: signal},
          );
          return {assignment: await info(created), existed: false};
        } catch (err) {
          if (errorCode(err) !== 'RoleAssignmentExists') throw err;
          // Made in the meantime (or not readable before): report the one Azure has.
          const again = await findExisting().catch(() => undefined);
          const assignment: RoleAssignmentInfo = again
            ? await info(again)
            : {
                id: '',
                name: /existing role assignment is ([0-9a-f]{32})/i.exec(String(err))?.[1] ?? '',
                scope: at,
                roleDefinitionId: fullRoleId,
                roleName: await names(fullRoleId),
                principalId: id,
                principalType: principal.type,
                inherited: false,
              };
          return {assignment, existed: true};
        }
      });
    },

    listKeys(ref, signal) {
      return ctx.run(
        {operation: `list the keys of ${ref.endpoint}`, scope: endpointScope(ref)},
        async () => {
          const client = await ctx.ml(ref.subscriptionId);
          const keys = await client.onlineEndpoints.listKeys(
            ref.resourceGroup,
            ref.workspace,
            ref.endpoint,
            {abortSignal: signal},
          );
          if (!keys.primaryKey && !keys.secondaryKey) {
            throw invalid(
              `Endpoint ${ref.endpoint} returned no keys`,
              'The keys operation answered without a primary or secondary key.',
              ["Check that the endpoint's auth mode is key."],
            );
          }
          return {primaryKey: keys.primaryKey ?? '', secondaryKey: keys.secondaryKey ?? ''};
        },
      );
    },

    regenerateKey(ref, which, onProgress, signal) {
      return ctx.run(
        {operation: `regenerate the ${which} key of ${ref.endpoint}`, scope: endpointScope(ref)},
        async () => {
          const client = await ctx.ml(ref.subscriptionId);
          await withProgress(
            'Updating',
            ctx.options.progressIntervalMs,
            onProgress,
            async (progress) => {
              const poller = await client.onlineEndpoints.beginRegenerateKeys(
                ref.resourceGroup,
                ref.workspace,
                ref.endpoint,
                {keyType: which === 'primary' ? 'Primary' : 'Secondary'},
                {
                  abortSignal: signal,
                  onResponse: (raw) => {
                    const body = raw.parsedBody as
                      {status?: unknown; properties?: {provisioningState?: unknown}} | undefined;
                    const next = body?.properties?.provisioningState ?? body?.status;
                    if (typeof next !== 'string') return;
                    progress.update(
                      /^(inprogress|running|accepted)$/i.test(next) ? 'Updating' : next,
                    );
                  },
                },
              );
              await untilDone(poller, signal);
              progress.settle('Succeeded');
            },
          );
        },
      );
    },

    amlToken(ref, signal) {
      return ctx.run(
        {operation: `get an Azure ML token for ${ref.endpoint}`, scope: endpointScope(ref)},
        async () => {
          const client = await ctx.ml(ref.subscriptionId);
          const t = await client.onlineEndpoints.getToken(
            ref.resourceGroup,
            ref.workspace,
            ref.endpoint,
            {abortSignal: signal},
          );
          if (!t.accessToken) {
            throw invalid(
              `Endpoint ${ref.endpoint} returned no token`,
              'The token operation answered without an access token.',
              ["Check that the endpoint's auth mode is aml_token."],
            );
          }
          return {
            kind: 'aml_token' as const,
            value: t.accessToken,
            // expiryTimeUtc and refreshAfterTimeUtc are epoch seconds.
            ...(t.expiryTimeUtc ? {expiresOn: epochToMs(t.expiryTimeUtc)} : {}),
            ...(t.refreshAfterTimeUtc ? {refreshAfter: epochToMs(t.refreshAfterTimeUtc)} : {}),
          };
        },
      );
    },

    aadToken(signal) {
      return ctx.run({operation: 'get a Microsoft Entra token for scoring'}, async () => {
        const t = await ctx.token(ctx.cloud.mlScope, signal);
        return {
          kind: 'aad_token' as const,
          value: t.token,
          expiresOn: t.expiresOn,
          ...(t.refreshAfter ? {refreshAfter: t.refreshAfter} : {}),
        };
      });
    },

    invoke(request, signal) {
      return invoke(request, signal);
    },
  };
}
