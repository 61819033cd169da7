import type {AuthMode, PermissionBlock} from './types';

const patternCache = new Map<string, RegExp>();

/** Azure action patterns: case-insensitive, `*` matches any run of characters (slashes included). */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    // A `*` between slashes also matches nothing: Azure's Managed Identity Operator grants
    // `…/userAssignedIdentities/assign/action` through `…/userAssignedIdentities/*/assign/action`
    // (and AzureML Data Scientist needs its notActions for `workspaces/write` because of it).
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('\uE000')
      .replace(/\/\uE000\//g, '/(?:.*/)?')
      .replace(/\uE000/g, '.*');
    re = new RegExp(`^${body}$`, 'i');
    patternCache.set(pattern, re);
  }
  return re.test(action);
}

/** A block grants an action when one of its actions matches and none of its notActions does. */
export function blockAllows(block: PermissionBlock, action: string, data = false): boolean {
  const [allow, deny] = data
    ? [block.dataActions, block.notDataActions]
    : [block.actions, block.notActions];
  return allow.some((p) => actionMatches(p, action)) && !deny.some((p) => actionMatches(p, action));
}

/** Effective permissions are the union of the blocks: any block that grants it is enough. */
export const allows = (blocks: PermissionBlock[], action: string, data = false): boolean =>
  blocks.some((b) => blockAllows(b, action, data));

const EP = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints';

export const ACTIONS = {
  read: `${EP}/read`,
  write: `${EP}/write`,
  listKeys: `${EP}/listKeys/action`,
  regenerateKeys: `${EP}/regenerateKeys/action`,
  token: `${EP}/token/action`,
  score: `${EP}/score/action`,
  assignRoles: 'Microsoft.Authorization/roleAssignments/write',
  defineRoles: 'Microsoft.Authorization/roleDefinitions/write',
  enableTrafficLog: 'Microsoft.Insights/diagnosticSettings/write',
  readTrafficLog: 'Microsoft.OperationalInsights/workspaces/query/read',
} as const;

export type CheckId = keyof typeof ACTIONS;

export interface CheckItem {
  id: CheckId;
  action: string;
  label: string;
  /** Needed for the endpoint's auth mode, or only for some tasks. */
  need: 'required' | 'optional';
  why: string;
  ok: boolean;
}

const LABELS: Record<CheckId, string> = {
  read: 'read the endpoint',
  write: 'change the endpoint (auth mode)',
  listKeys: 'list keys',
  regenerateKeys: 'regenerate keys',
  token: 'get Azure ML tokens',
  score: 'score with an Entra token',
  assignRoles: 'assign roles',
  defineRoles: 'create custom roles',
  enableTrafficLog: 'turn on traffic logging',
  readTrafficLog: 'read the traffic log',
};

/**
 * The permission preflight: what the flow needs for this auth mode, each ✓/✗ against the
 * effective permissions. `score` is what a *caller* needs on aad_token endpoints.
 */
export function preflight(blocks: PermissionBlock[], mode: AuthMode): CheckItem[] {
  const need = (id: CheckId): CheckItem['need'] => {
    if (id === 'read') return 'required';
    if (mode === 'key' && id === 'listKeys') return 'required';
    if (mode === 'aml_token' && id === 'token') return 'required';
    if (mode === 'aad_token' && id === 'score') return 'required';
    return 'optional';
  };
  const why: Record<CheckId, string> = {
    read: 'see the endpoint, its scoring URI and deployments',
    write: 'switch the auth mode (a full update of the endpoint)',
    listKeys: mode === 'key' ? 'fetch the keys clients send' : 'only for key endpoints',
    regenerateKeys: mode === 'key' ? 'rotate a key' : 'only for key endpoints',
    token:
      mode === 'aml_token'
        ? 'fetch the Azure ML tokens clients send'
        : 'only for aml_token endpoints',
    score:
      mode === 'aad_token'
        ? 'callers with Entra tokens need it to score'
        : 'only for aad_token endpoints',
    assignRoles: 'grant roles to yourself or others from this tool',
    defineRoles: 'create the custom roles (score-only, docs roles)',
    enableTrafficLog:
      'create the diagnostic setting that sends AmlOnlineEndpointTrafficLog to Log Analytics',
    readTrafficLog:
      'query AmlOnlineEndpointTrafficLog (Log Analytics Reader on the workspace the log goes to; checked here at the endpoint)',
  };
  const order: CheckId[] = [
    'read',
    'listKeys',
    'token',
    'score',
    'regenerateKeys',
    'write',
    'assignRoles',
    'defineRoles',
    'enableTrafficLog',
    'readTrafficLog',
  ];
  return order.map((id) => ({
    id,
    action: ACTIONS[id],
    label: LABELS[id],
    need: need(id),
    why: why[id],
    ok: allows(blocks, ACTIONS[id]),
  }));
}
