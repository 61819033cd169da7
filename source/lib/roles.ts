import type {RoleTemplate} from '../azure/types';
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

const ML = 'Microsoft.MachineLearningServices/workspaces';

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
      roleName: 'AzureML Data Scientist',
      builtInId: 'f6c7c914-8db3-469d-8ca1-694a8f32e121',
      description: 'Built-in: everything in the workspace except compute and the workspace itself.',
      permissions: [
        {
          actions: [`${ML}/*/read`, `${ML}/*/action`, `${ML}/*/delete`, `${ML}/*/write`],
          notActions: [
            `${ML}/delete`,
            `${ML}/write`,
            `${ML}/computes/*/write`,
            `${ML}/computes/*/delete`,
            `${ML}/computes/listKeys/action`,
            `${ML}/listKeys/action`,
            `${ML}/hubs/write`,
            `${ML}/hubs/delete`,
            `${ML}/featurestores/write`,
            `${ML}/featurestores/delete`,
          ],
          dataActions: [],
          notDataActions: [],
        },
      ],
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
      roleName: 'Azure Machine Learning Workspace Connection Secrets Reader',
      builtInId: 'ea01e6af-a1c1-4350-9563-ad00f8c72ec5',
      description: 'Built-in: list workspace connection secrets.',
      permissions: [
        {
          actions: [`${ML}/connections/listsecrets/action`, `${ML}/metadata/secrets/read`],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ],
    },
    summary: 'built-in, optional: read workspace connection secrets (not needed to score).',
  },
];

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

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
    commands.push(`az role definition create --role-definition ${q(JSON.stringify(definition))}`);
  }
  commands.push(
    `az role assignment create --assignee-object-id ${opts.principalId} --assignee-principal-type ${opts.principalType} --role ${q(template.builtInId ?? template.roleName)} --scope ${q(opts.scope)}`,
  );
  return commands;
}
