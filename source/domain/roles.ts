import {shellQuote} from '../lib/shell';
import {allows} from './permissions';
import {assignmentScopeOf} from './scopes';
import type {CustomRoleDefinition, RoleTemplate} from './types';
import {
  AZUREML_CONNECTION_SECRETS_READER as SECRETS_READER,
  AZUREML_DATA_SCIENTIST as DS,
} from './builtin-roles';
import controlPlane from '../../assets/roles/online-endpoint-control-plane.json';
import scoreOnly from '../../assets/roles/online-endpoint-score-only.json';
import scoring from '../../assets/roles/online-endpoint-scoring.json';

export type RoleChoiceId =
  'data-scientist' | 'control-plane' | 'scoring' | 'score-only' | 'secrets-reader' | 'file';

export interface RoleChoice {
  id: RoleChoiceId;
  template: RoleTemplate;
  /** One line for the chooser. */
  summary: string;
  recommendedFor?: string;
  /**
   * A custom role loaded from a role file (`aml-auth roles define --file`'s JSON): defined as
   * written — reused when identical — with the file's own assignable scopes.
   */
  fromFile?: {path: string; definition: CustomRoleDefinition};
}

/** The role choice for a custom role read from a file. */
export function roleChoiceFromFile(path: string, definition: CustomRoleDefinition): RoleChoice {
  return {
    id: 'file',
    template: {
      roleName: definition.roleName,
      description: definition.description,
      permissions: definition.permissions,
    },
    summary: `custom, from ${path}`,
    fromFile: {path, definition},
  };
}

/** What the roles step offers, each explained in one line. Custom ones come from assets/roles. */
export const ROLE_CHOICES: RoleChoice[] = [
  {
    id: 'score-only',
    template: scoreOnly,
    summary: 'read + score only (custom). Recommended for client apps on aad_token endpoints.',
    recommendedFor: 'client apps',
  },
  {
    id: 'data-scientist',
    template: {
      roleName: DS.roleName,
      builtInId: DS.id,
      description: 'Built-in: everything in the workspace except compute and the workspace itself.',
      permissions: DS.permissions,
    },
    summary:
      'built-in: manage endpoints, keys and tokens, and score — for people working in the workspace.',
  },
  {
    id: 'control-plane',
    template: controlPlane,
    summary: 'endpoint CRUD + token/listKeys/regenerateKeys (custom, from the Azure docs).',
  },
  {
    id: 'scoring',
    template: scoring,
    summary:
      'onlineEndpoints/*/action (custom, from the Azure docs) — note: also grants keys and tokens.',
  },
  {
    id: 'secrets-reader',
    template: {
      roleName: SECRETS_READER.roleName,
      builtInId: SECRETS_READER.id,
      description: 'Built-in: list workspace connection secrets.',
      permissions: SECRETS_READER.permissions,
    },
    summary: 'built-in, optional: read workspace connection secrets (not needed to score).',
  },
];

/** The exact Azure CLI commands to hand to an admin when the signed-in identity cannot assign roles. */
export function adminCommands(opts: {
  choice: RoleChoice;
  principalId: string;
  principalType: string;
  scope: string;
  assignableScope: string;
}): string[] {
  const {template} = opts.choice;
  const commands: string[] = [];
  if (!template.builtInId) {
    const definition = {
      Name: template.roleName,
      Description: template.description,
      Actions: template.permissions.flatMap((p) => p.actions),
      NotActions: template.permissions.flatMap((p) => p.notActions),
      DataActions: template.permissions.flatMap((p) => p.dataActions),
      NotDataActions: template.permissions.flatMap((p) => p.notDataActions),
      AssignableScopes: [opts.assignableScope],
    };
    commands.push(
      `az role definition create --role-definition ${shellQuote(JSON.stringify(definition))}`,
    );
  }
  commands.push(
    `az role assignment create --assignee-object-id ${opts.principalId} --assignee-principal-type ${opts.principalType} --role ${shellQuote(template.builtInId ?? template.roleName)} --scope ${shellQuote(assignmentScopeOf(opts.scope))}`,
  );
  return commands;
}

/** Whether a role grants every one of the actions. */
export const grantsAll = (choice: RoleChoice, actions: string[]): boolean =>
  actions.every((a) => allows(choice.template.permissions, a));

/** The roles on offer that grant every one of the actions, built-in ones first. */
export function rolesGranting(actions: string[]): RoleChoice[] {
  const hits = ROLE_CHOICES.filter((c) => grantsAll(c, actions));
  return [
    ...hits.filter((c) => c.template.builtInId),
    ...hits.filter((c) => !c.template.builtInId),
  ];
}

/** What to hand an admin: the role, its commands, and a built-in role that would do instead. */
export interface AdminHandOff {
  choice: RoleChoice;
  /** Where the role is assigned: always a scope a role can be assigned at. */
  scope: string;
  commands: string[];
  /** The chosen role is custom (the admin must create it too): a built-in one that grants the same. */
  builtIn?: {choice: RoleChoice; commands: string[]};
}

/**
 * The one rule for an admin hand-off. The role is the one picked if it grants what is missing;
 * otherwise a role that does (a built-in one when one exists: no role definition to create).
 * `missing` are the actions the principal lacks (a missing listKeys is never handed Score Only).
 */
export function adminHandOff(opts: {
  picked?: RoleChoice;
  missing: string[];
  principalId: string;
  principalType: string;
  scope: string;
  assignableScope: string;
}): AdminHandOff {
  const {picked, missing} = opts;
  const choice =
    picked && grantsAll(picked, missing)
      ? picked
      : (rolesGranting(missing)[0] ??
        picked ??
        ROLE_CHOICES.find((c) => c.id === 'data-scientist')!);
  const scope = assignmentScopeOf(opts.scope);
  const commandsFor = (c: RoleChoice) => adminCommands({...opts, choice: c, scope});
  const hand: AdminHandOff = {choice, scope, commands: commandsFor(choice)};
  if (!choice.template.builtInId) {
    const needed = missing.length ? missing : choice.template.permissions.flatMap((p) => p.actions);
    const builtIn = rolesGranting(needed).find((c) => c.template.builtInId);
    if (builtIn) hand.builtIn = {choice: builtIn, commands: commandsFor(builtIn)};
  }
  return hand;
}
