import {shellQuote} from '../lib/shell';
import type {RoleTemplate} from './types';
import {
  AZUREML_CONNECTION_SECRETS_READER as SECRETS_READER,
  AZUREML_DATA_SCIENTIST as DS,
} from './builtin-roles';
import controlPlane from '../../assets/roles/online-endpoint-control-plane.json';
import scoreOnly from '../../assets/roles/online-endpoint-score-only.json';
import scoring from '../../assets/roles/online-endpoint-scoring.json';

export type RoleChoiceId =
  'data-scientist' | 'control-plane' | 'scoring' | 'score-only' | 'secrets-reader';

export interface RoleChoice {
  id: RoleChoiceId;
  template: RoleTemplate;
  /** One line for the chooser. */
  summary: string;
  recommendedFor?: string;
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
    `az role assignment create --assignee-object-id ${opts.principalId} --assignee-principal-type ${opts.principalType} --role ${shellQuote(template.builtInId ?? template.roleName)} --scope ${shellQuote(opts.scope)}`,
  );
  return commands;
}
