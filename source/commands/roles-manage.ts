/**
 * `aml-auth roles define|list|assign|assignments`: the role steps of Azure's guide from a shell.
 * `define --file` takes the guide's custom-role JSON as written (placeholders in its assignable
 * scopes filled from the selection); `assign` is idempotent, as the wizard's; `--assignee` is an
 * object ID, a user principal name or an app ID, looked up in the directory as az does.
 */
import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {RoleFileError, parseRoleFile, type RoleFileContext} from '../domain/role-file';
import {endpointScope, GUID, normalizeScope, workspaceScope} from '../domain/scopes';
import type {
  DefineRoleResult,
  DirectoryPrincipal,
  PrincipalType,
  RoleAssignmentInfo,
  RoleDefinitionInfo,
} from '../domain/types';
import {visible, visibleText} from '../lib/visible';
import {CliError, ExitCode} from './exit-codes';
import {envLines, rows, table} from './output';
import type {Selector} from './selectors';
import {parsePrincipalType} from './roles';
import {
  connect,
  loadTarget,
  resolveSubscription,
  resolveWorkspace,
  runCommand,
  type CommonFlags,
  type Connection,
  type Runtime,
} from './runtime';

export interface RolesManageFlags extends CommonFlags {
  file?: string;
  update?: boolean;
  customOnly?: boolean;
  role?: string;
  assignee?: string;
  assigneeObjectId?: string;
  assigneePrincipalType?: string;
  scope?: string;
}

/** `--scope`: a word for a scope of the selection, or a full ARM scope. */
export const SCOPE_WORDS = ['subscription', 'resource-group', 'workspace', 'endpoint'] as const;
type ScopeWord = (typeof SCOPE_WORDS)[number];

export function parseScope(value: string | undefined, fallback: ScopeWord): ScopeWord | string {
  const v = (value ?? fallback).trim();
  if (v.startsWith('/')) {
    if (!/^\/subscriptions\/[^/]+/i.test(v)) {
      throw new CliError(
        `--scope '${v}' is not inside a subscription`,
        ExitCode.usage,
        'give /subscriptions/{id}/… or one of subscription, resource-group, workspace, endpoint',
      );
    }
    return normalizeScope(v);
  }
  const word = SCOPE_WORDS.find(
    (w) => w === v.toLowerCase() || w.replace('-', '') === v.toLowerCase(),
  );
  if (!word) {
    throw new CliError(
      `--scope '${v}' is not a scope`,
      ExitCode.usage,
      `use ${SCOPE_WORDS.join(', ')} (of the selection) or a full /subscriptions/… scope`,
    );
  }
  return word;
}

const NEEDS: Record<ScopeWord, Selector[]> = {
  subscription: ['subscription'],
  'resource-group': ['subscription', 'workspace'],
  workspace: ['subscription', 'workspace'],
  endpoint: ['subscription', 'workspace', 'endpoint'],
};

/** Signs in and turns the scope word into the ARM scope of the selection. */
async function openScope(
  rt: Runtime,
  word: ScopeWord | string,
): Promise<{conn: Connection; scope: string}> {
  const explicit = word.startsWith('/');
  const {target} = await loadTarget(rt, explicit ? [] : NEEDS[word as ScopeWord]);
  const conn = await connect(rt, target);
  if (explicit) return {conn, scope: word};
  if (word === 'subscription') {
    const {subscriptionId} = await resolveSubscription(rt, conn);
    return {conn, scope: `/subscriptions/${subscriptionId}`};
  }
  const {ref} = await resolveWorkspace(rt, conn);
  if (word === 'resource-group')
    return {
      conn,
      scope: `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}`,
    };
  if (word === 'workspace') return {conn, scope: workspaceScope(ref)};
  return {conn, scope: endpointScope({...ref, endpoint: target.endpoint!})};
}

/** The documented JSON of a role definition (az's names, camelCase). */
export function roleView(r: RoleDefinitionInfo) {
  return {
    roleName: r.roleName,
    name: r.name,
    id: r.id,
    roleType: r.roleType,
    description: r.description,
    permissions: r.permissions,
    assignableScopes: r.assignableScopes,
  };
}

export function rolesTable(list: RoleDefinitionInfo[]): string {
  if (list.length === 0) return '';
  return `${table(
    ['NAME', 'TYPE', 'ID'],
    list.map((r) => [r.roleName, r.roleType === 'CustomRole' ? 'custom' : 'built-in', r.name]),
  )}\n`;
}

export function assignmentsTable(list: RoleAssignmentInfo[]): string {
  if (list.length === 0) return '';
  return `${table(
    ['ROLE', 'PRINCIPAL', 'TYPE', 'SCOPE', 'INHERITED'],
    list.map((a) => [
      a.roleName,
      a.principalId,
      a.principalType,
      a.scope,
      a.inherited ? 'yes' : 'no',
    ]),
  )}\n`;
}

// ---------------------------------------------------------------- roles define

async function readRoleFile(path: string): Promise<string> {
  try {
    return await readFile(resolve(path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? (err as Error).message)})`,
      ExitCode.usage,
      "give the custom role's JSON file, as for az role definition create --role-definition",
    );
  }
}

const asCli = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RoleFileError) throw new CliError(err.message, ExitCode.usage, err.hint);
    throw err;
  }
};

/** Which selection values the file's placeholders need (read from its raw scopes). */
function neededFields(text: string): Set<keyof RoleFileContext> {
  const dummy: Required<RoleFileContext> = {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg',
    workspace: 'ws',
  };
  // Structure first (unknown keys, types, empty grants): with every placeholder fillable.
  asCli(() => parseRoleFile(text, dummy));
  const needed = new Set<keyof RoleFileContext>();
  for (const field of Object.keys(dummy) as (keyof RoleFileContext)[]) {
    const without = {...dummy, [field]: undefined};
    try {
      parseRoleFile(text, without);
    } catch {
      needed.add(field);
    }
  }
  return needed;
}

export function defineText(result: DefineRoleResult): string {
  const r = result.role;
  const head =
    result.outcome === 'created'
      ? `Created custom role "${r.roleName}"`
      : result.outcome === 'updated'
        ? `Updated custom role "${r.roleName}"`
        : result.outcome === 'unchanged'
          ? `Custom role "${r.roleName}" already exists as written; reused`
          : `Custom role "${r.roleName}" exists and differs`;
  const pairs: [string, string][] = [
    ['id', r.id],
    ['assignable at', r.assignableScopes.join(', ')],
  ];
  for (const d of result.differences) pairs.push(['differs', d]);
  return `${visible(head)}\n${visibleText(rows(pairs))}\n`;
}

export function runRolesDefine(flags: RolesManageFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    if (!flags.file) {
      throw new CliError(
        'which role should I define?',
        ExitCode.usage,
        'give --file custom-role.json (the JSON of az role definition create)',
      );
    }
    const text = await readRoleFile(flags.file);
    const needed = neededFields(text);
    const {target} = await loadTarget(rt, []);
    // Every placeholder must be fillable from the selection before anything signs in.
    asCli(() =>
      parseRoleFile(
        text,
        {
          ...(target.subscriptionId || target.subscriptionName ? {subscriptionId: 'x'} : {}),
          ...(target.resourceGroup || target.workspace ? {resourceGroup: 'x'} : {}),
          ...(target.workspace ? {workspace: 'x'} : {}),
        },
        flags.file,
      ),
    );
    const conn = await connect(rt, target);
    const context: RoleFileContext = {};
    if (needed.has('subscriptionId') || needed.has('resourceGroup') || needed.has('workspace')) {
      context.subscriptionId = (await resolveSubscription(rt, conn)).subscriptionId;
    }
    if (needed.has('workspace') || (needed.has('resourceGroup') && !target.resourceGroup)) {
      const {ref} = await resolveWorkspace(rt, conn);
      context.resourceGroup = ref.resourceGroup;
      context.workspace = ref.workspace;
    } else if (target.resourceGroup) {
      context.resourceGroup = target.resourceGroup;
    }
    const definition = asCli(() => parseRoleFile(text, context, flags.file));
    const result = await conn.services.defineRole(
      definition,
      {update: Boolean(flags.update)},
      rt.signal,
    );
    const value = {
      outcome: result.outcome,
      role: roleView(result.role),
      differences: result.differences,
    };
    rt.emit(value, {
      text: () => defineText(result),
      env: () =>
        envLines({
          ROLE_NAME: result.role.roleName,
          ROLE_ID: result.role.id,
          ROLE_OUTCOME: result.outcome,
        }),
    });
    if (result.outcome === 'differs') {
      rt.note(
        `aml-auth: the custom role "${visible(definition.roleName)}" exists with other permissions or scopes; nothing was changed`,
      );
      rt.note(
        '  hint: add --update to make it match the file (every assignment of it changes too)',
      );
      return ExitCode.usage;
    }
    return ExitCode.ok;
  });
}

// ---------------------------------------------------------------- roles list

export function runRolesList(flags: RolesManageFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const fallback: ScopeWord =
      rt.flags.workspace || rt.flags.profile ? 'workspace' : 'subscription';
    const {conn, scope} = await openScope(rt, parseScope(flags.scope, fallback));
    const list = await conn.services.listRoleDefinitions(
      scope,
      {customOnly: Boolean(flags.customOnly)},
      rt.signal,
    );
    if (rt.format === 'text' && list.length === 0) {
      rt.note(`No ${flags.customOnly ? 'custom ' : ''}roles can be assigned at ${visible(scope)}.`);
      return;
    }
    rt.emit(list.map(roleView), {
      text: () => rolesTable(list),
      env: () => envLines({ROLE_NAMES: list.map((r) => r.roleName).join('\n')}),
    });
  });
}

// ---------------------------------------------------------------- roles assign / assignments

/** The principal of --assignee (looked up) or --assignee-object-id (taken as given). */
async function assigneeOf(
  rt: Runtime,
  conn: Connection,
  flags: RolesManageFlags,
): Promise<DirectoryPrincipal> {
  if (flags.assigneeObjectId) {
    const id = flags.assigneeObjectId.trim();
    if (!GUID.test(id)) {
      throw new CliError(
        `--assignee-object-id '${id}' is not an object ID`,
        ExitCode.usage,
        'give the GUID of the user, group or service principal',
      );
    }
    const type: PrincipalType = parsePrincipalType(flags.assigneePrincipalType);
    return {objectId: id.toLowerCase(), type, label: id, matchedBy: 'objectId'};
  }
  return conn.services.findPrincipal(flags.assignee!, rt.signal);
}

function checkAssigneeFlags(flags: RolesManageFlags, required: boolean): void {
  if (flags.assignee && flags.assigneeObjectId) {
    throw new CliError(
      '--assignee and --assignee-object-id name the principal twice',
      ExitCode.usage,
      'give one of them',
    );
  }
  if (required && !flags.assignee && !flags.assigneeObjectId) {
    throw new CliError(
      'who should get the role?',
      ExitCode.usage,
      'give --assignee OBJECT_ID|UPN|APP_ID (or --assignee-object-id with --assignee-principal-type)',
    );
  }
  if (flags.assigneePrincipalType && !flags.assigneeObjectId) {
    throw new CliError(
      '--assignee-principal-type goes with --assignee-object-id',
      ExitCode.usage,
      'with --assignee the type comes from the directory',
    );
  }
}

export function runRolesAssign(flags: RolesManageFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    if (!flags.role?.trim()) {
      throw new CliError(
        'which role should I assign?',
        ExitCode.usage,
        'give --role NAME or ID (see aml-auth roles list)',
      );
    }
    checkAssigneeFlags(flags, true);
    const word = parseScope(flags.scope, 'workspace');
    const {conn, scope} = await openScope(rt, word);
    const principal = await assigneeOf(rt, conn, flags);
    const role = await conn.services.findRoleDefinition(flags.role.trim(), scope, rt.signal);
    const result = await conn.services.assignRole(role.id, principal, scope, rt.signal);
    const value = {
      existed: result.existed,
      assignment: result.assignment,
      principal,
      role: {roleName: role.roleName, id: role.id, roleType: role.roleType},
    };
    rt.emit(value, {
      text: () =>
        `${visible(
          result.existed
            ? `${principal.label} already has "${role.roleName}" at ${scope}; nothing changed`
            : `Assigned "${role.roleName}" to ${principal.label} (${principal.type} ${principal.objectId}) at ${scope}`,
        )}\n`,
      env: () =>
        envLines({
          ROLE_ASSIGNMENT_ID: result.assignment.id,
          ROLE_ASSIGNMENT_EXISTED: result.existed,
          ROLE_ASSIGNEE_OBJECT_ID: principal.objectId,
        }),
    });
  });
}

export function runRolesAssignments(flags: RolesManageFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    checkAssigneeFlags(flags, false);
    const {conn, scope} = await openScope(rt, parseScope(flags.scope, 'workspace'));
    const principal =
      flags.assignee || flags.assigneeObjectId ? await assigneeOf(rt, conn, flags) : undefined;
    const all = await conn.services.listRoleAssignments(scope, rt.signal);
    const list = principal
      ? all.filter((a) => a.principalId.toLowerCase() === principal.objectId.toLowerCase())
      : all;
    if (rt.format === 'text' && list.length === 0) {
      rt.note(
        `No role assignments${principal ? ` of ${visible(principal.label)}` : ''} at or above ${visible(scope)}.`,
      );
      return;
    }
    rt.emit(list, {
      text: () => assignmentsTable(list),
      env: () => envLines({ROLE_ASSIGNMENT_IDS: list.map((a) => a.id).join(' ')}),
    });
  });
}
