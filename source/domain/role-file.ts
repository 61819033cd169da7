/**
 * A custom role file as Azure's docs and `az role definition create --role-definition FILE` write
 * it — `Name`, `IsCustom`, `Description`, `Actions`, `NotActions`, `DataActions`,
 * `NotDataActions`, `AssignableScopes` (or the ARM shape: `roleName`, `permissions: [...]`,
 * `assignableScopes`) — with the placeholders of the docs' assignable scopes
 * (`<subscriptionId>`, `<resourceGroupName>`, `<workspaceName>`, in any of their spellings)
 * filled from the selection. Pure: the caller reads the file.
 */
import {describeJsonError} from '../lib/json';
import {normalizeScope, sameScope} from './scopes';
import type {CustomRoleDefinition, PermissionBlock, RoleDefinitionInfo} from './types';

/** A role file that cannot be used as written: one line, and what to do about it. */
export class RoleFileError extends Error {
  override readonly name = 'RoleFileError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** What fills the placeholders of AssignableScopes. */
export interface RoleFileContext {
  subscriptionId?: string;
  resourceGroup?: string;
  workspace?: string;
}

type Field =
  | 'name'
  | 'isCustom'
  | 'description'
  | 'actions'
  | 'notActions'
  | 'dataActions'
  | 'notDataActions'
  | 'assignableScopes'
  | 'permissions'
  | 'id';

/** Every key the file may use (compared case-insensitively), and the field it is. */
const KEYS: Record<string, Field> = {
  name: 'name',
  rolename: 'name',
  iscustom: 'isCustom',
  description: 'description',
  actions: 'actions',
  notactions: 'notActions',
  dataactions: 'dataActions',
  notdataactions: 'notDataActions',
  assignablescopes: 'assignableScopes',
  permissions: 'permissions',
  // `az role definition list` output carries these; they say nothing a definition needs.
  id: 'id',
  roletype: 'isCustom',
};

const PERMISSION_KEYS: Record<string, keyof PermissionBlock> = {
  actions: 'actions',
  notactions: 'notActions',
  dataactions: 'dataActions',
  notdataactions: 'notDataActions',
};

/** Placeholder spellings (letters only, lower-cased) and what fills them. */
const PLACEHOLDERS: Record<string, keyof RoleFileContext> = {
  subscriptionid: 'subscriptionId',
  subscription: 'subscriptionId',
  subid: 'subscriptionId',
  resourcegroupname: 'resourceGroup',
  resourcegroup: 'resourceGroup',
  rgname: 'resourceGroup',
  rg: 'resourceGroup',
  workspacename: 'workspace',
  workspace: 'workspace',
};

const FILL_FLAG: Record<keyof RoleFileContext, string> = {
  subscriptionId: '--subscription',
  resourceGroup: '--resource-group',
  workspace: '--workspace',
};

/** `<subscriptionId>`, `<SUBSCRIPTION_ID>`, `{subscriptionId}`, `${SUBSCRIPTION_ID}`. */
const PLACEHOLDER = /\$?<([^<>/]+)>|\$?\{([^{}/]+)\}/g;

function stringList(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new RoleFileError(
      `"${key}" must be a list of strings`,
      `write it as "${key}": ["…", "…"]`,
    );
  }
  return value.map((v) => v.trim()).filter((v) => v !== '');
}

/** The placeholders a scope names, as written (e.g. `<subscriptionId>`). */
export function placeholdersIn(scope: string): string[] {
  return [...scope.matchAll(PLACEHOLDER)].map((m) => m[0]);
}

/** Fills one assignable scope's placeholders; refuses one it cannot fill, naming the flag. */
export function fillScope(scope: string, context: RoleFileContext): string {
  const filled = scope.replace(PLACEHOLDER, (whole, a?: string, b?: string) => {
    const key = (a ?? b ?? '').replace(/[^a-z]/gi, '').toLowerCase();
    const field = PLACEHOLDERS[key];
    if (!field) {
      throw new RoleFileError(
        `AssignableScopes: ${whole} in "${scope}" is not a placeholder aml-auth can fill`,
        'write the value itself, or use <subscriptionId>, <resourceGroupName> or <workspaceName>',
      );
    }
    const value = context[field];
    if (!value) {
      throw new RoleFileError(
        `AssignableScopes: ${whole} in "${scope}" needs a value`,
        `pass ${FILL_FLAG[field]} (or --profile) so it can be filled`,
      );
    }
    return value;
  });
  if (!/^\/subscriptions\/[^/]+/i.test(filled)) {
    throw new RoleFileError(
      `AssignableScopes: "${scope}" is not a subscription, resource group or resource scope`,
      'a custom role is assignable at /subscriptions/{id} or below it',
    );
  }
  return normalizeScope(filled);
}

/**
 * Parses a custom role file's text: every unknown key named in one error, the permissions, and
 * the assignable scopes with their placeholders filled. `source` names the file in messages.
 */
export function parseRoleFile(
  text: string,
  context: RoleFileContext,
  source = 'the role file',
): CustomRoleDefinition {
  const clean = text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(clean);
  } catch {
    throw new RoleFileError(
      `${source} is not valid JSON (${describeJsonError(clean) ?? 'at an unknown position'})`,
      'write the role as the Azure docs do: {"Name": …, "Actions": [...], "AssignableScopes": [...]}',
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RoleFileError(
      `${source} must hold one JSON object (a role definition)`,
      'see the Azure docs',
    );
  }
  const data = raw as Record<string, unknown>;
  const fields = new Map<Field, {key: string; value: unknown}>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const field = KEYS[key.toLowerCase()];
    if (!field) unknown.push(key);
    else fields.set(field, {key, value});
  }
  if (unknown.length) {
    throw new RoleFileError(
      `${source}: unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `"${k}"`).join(', ')}`,
      'a role file has Name, IsCustom, Description, Actions, NotActions, DataActions, NotDataActions and AssignableScopes',
    );
  }
  const name = fields.get('name');
  if (typeof name?.value !== 'string' || name.value.trim() === '') {
    throw new RoleFileError(`${source}: "Name" is missing`, 'give the role a "Name"');
  }
  const custom = fields.get('isCustom');
  if (custom !== undefined) {
    const ok =
      custom.value === true ||
      (typeof custom.value === 'string' && /^(true|customrole)$/i.test(custom.value));
    if (!ok) {
      throw new RoleFileError(
        `${source}: "${custom.key}" says this is not a custom role`,
        'only custom roles can be defined; built-in roles are assigned by name (roles assign --role)',
      );
    }
  }
  const description = fields.get('description');
  if (description !== undefined && typeof description.value !== 'string') {
    throw new RoleFileError(`${source}: "${description.key}" must be a string`, 'write a sentence');
  }

  const block = (
    read: (k: keyof PermissionBlock) => {key: string; value: unknown} | undefined,
  ): PermissionBlock => ({
    actions: stringList(read('actions')?.value, read('actions')?.key ?? 'Actions'),
    notActions: stringList(read('notActions')?.value, read('notActions')?.key ?? 'NotActions'),
    dataActions: stringList(read('dataActions')?.value, read('dataActions')?.key ?? 'DataActions'),
    notDataActions: stringList(
      read('notDataActions')?.value,
      read('notDataActions')?.key ?? 'NotDataActions',
    ),
  });

  let permissions: PermissionBlock[];
  const listed = fields.get('permissions');
  const flat = (['actions', 'notActions', 'dataActions', 'notDataActions'] as const).some((f) =>
    fields.has(f),
  );
  if (listed && flat) {
    throw new RoleFileError(
      `${source}: both "${listed.key}" and top-level Actions`,
      'use one form: Actions/NotActions/… or "permissions": [{"actions": […]}]',
    );
  }
  if (listed) {
    if (!Array.isArray(listed.value) || listed.value.length === 0) {
      throw new RoleFileError(
        `${source}: "${listed.key}" must be a non-empty list`,
        'write "permissions": [{"actions": […], "notActions": []}]',
      );
    }
    permissions = listed.value.map((p, i) => {
      if (typeof p !== 'object' || p === null || Array.isArray(p)) {
        throw new RoleFileError(
          `${source}: permissions[${i}] must be an object`,
          'see the Azure docs',
        );
      }
      const entries = Object.entries(p as Record<string, unknown>);
      const bad = entries.filter(([k]) => !PERMISSION_KEYS[k.toLowerCase()]).map(([k]) => `"${k}"`);
      if (bad.length) {
        throw new RoleFileError(
          `${source}: permissions[${i}] has unknown ${bad.length === 1 ? 'key' : 'keys'} ${bad.join(', ')}`,
          'a permission has actions, notActions, dataActions and notDataActions',
        );
      }
      const byField = new Map(
        entries.map(([k, v]) => [PERMISSION_KEYS[k.toLowerCase()]!, {key: k, value: v}]),
      );
      return block((k) => byField.get(k));
    });
  } else {
    permissions = [block((k) => fields.get(k))];
  }
  if (permissions.every((p) => p.actions.length === 0 && p.dataActions.length === 0)) {
    throw new RoleFileError(
      `${source}: the role grants nothing (no Actions or DataActions)`,
      'list what it allows in "Actions"',
    );
  }

  const scopesField = fields.get('assignableScopes');
  const scopes = stringList(scopesField?.value, scopesField?.key ?? 'AssignableScopes');
  if (scopes.length === 0) {
    throw new RoleFileError(
      `${source}: "AssignableScopes" is missing or empty`,
      'add e.g. "AssignableScopes": ["/subscriptions/<subscriptionId>/resourceGroups/<resourceGroupName>"]',
    );
  }
  const assignableScopes: string[] = [];
  for (const s of scopes.map((s) => fillScope(s, context))) {
    if (!assignableScopes.some((t) => sameScope(s, t))) assignableScopes.push(s);
  }

  return {
    roleName: name.value.trim(),
    description: typeof description?.value === 'string' ? description.value : '',
    permissions,
    assignableScopes,
  };
}

const lower = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort();

/** All the actions of a kind across a role's permission blocks. */
const all = (ps: readonly PermissionBlock[], k: keyof PermissionBlock) =>
  lower(ps.flatMap((p) => p[k]));

/**
 * How an existing role differs from a definition, one short phrase each; empty when they grant
 * the same at the same scopes with the same description (action case and order do not count).
 */
export function roleDifferences(
  existing: Pick<RoleDefinitionInfo, 'description' | 'permissions' | 'assignableScopes'>,
  wanted: Pick<CustomRoleDefinition, 'description' | 'permissions' | 'assignableScopes'>,
): string[] {
  const out: string[] = [];
  for (const k of ['actions', 'notActions', 'dataActions', 'notDataActions'] as const) {
    const have = all(existing.permissions, k);
    const want = all(wanted.permissions, k);
    const added = want.filter((a) => !have.includes(a));
    const removed = have.filter((a) => !want.includes(a));
    const label = k.charAt(0).toUpperCase() + k.slice(1);
    if (added.length) out.push(`${label} adds ${added.join(', ')}`);
    if (removed.length) out.push(`${label} drops ${removed.join(', ')}`);
  }
  const haveScopes = existing.assignableScopes.map(normalizeScope);
  const wantScopes = wanted.assignableScopes.map(normalizeScope);
  const newScopes = wantScopes.filter((s) => !haveScopes.some((t) => sameScope(s, t)));
  const oldScopes = haveScopes.filter((s) => !wantScopes.some((t) => sameScope(s, t)));
  if (newScopes.length) out.push(`AssignableScopes adds ${newScopes.join(', ')}`);
  if (oldScopes.length) out.push(`AssignableScopes drops ${oldScopes.join(', ')}`);
  if ((existing.description ?? '').trim() !== (wanted.description ?? '').trim())
    out.push('Description differs');
  return out;
}
