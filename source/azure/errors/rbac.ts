/** Resource Manager RBAC failures: the roles that grant an action, a 403 and role assignment errors. */
import type {AppError} from '../../domain/types';
import {assignmentScopeOf} from '../../domain/scopes';
import {make, type ErrorContext} from './helpers';

const ML = 'microsoft.machinelearningservices/workspaces';

/**
 * Built-in roles that grant an action, least privilege first. Used to explain a 403 and, in
 * the roles step, to suggest role assignments.
 */
export function rolesForAction(action: string): string[] {
  const a = action.toLowerCase();
  if (a.startsWith('microsoft.authorization/')) {
    return a.endsWith('/read')
      ? ['Reader', 'User Access Administrator', 'Owner']
      : ['User Access Administrator', 'Owner'];
  }
  if (a.startsWith('microsoft.managedidentity/')) {
    // Managed Identity Operator reads and assigns identities; Contributor and Owner hold '*'.
    return /\/(read|assign\/action)$/.test(a)
      ? ['Managed Identity Operator', 'Contributor', 'Owner']
      : ['Managed Identity Contributor', 'Contributor', 'Owner'];
  }
  if (a.startsWith('microsoft.insights/diagnosticsettings/')) {
    // Monitoring Contributor and Log Analytics Contributor write diagnostic settings.
    return a.endsWith('/read')
      ? ['Monitoring Reader', 'Reader', 'Contributor']
      : ['Monitoring Contributor', 'Log Analytics Contributor', 'Contributor', 'Owner'];
  }
  if (a.startsWith('microsoft.operationalinsights/workspaces/query/')) {
    return ['Log Analytics Reader', 'Reader', 'Log Analytics Contributor'];
  }
  if (a.startsWith(`${ML}/`)) {
    const rest = a.slice(ML.length + 1);
    const workspaceItself = !rest.includes('/') || rest === 'listkeys/action';
    if (
      workspaceItself ||
      /^(computes|hubs|featurestores)\/.*(write|delete|listkeys\/action)$/.test(rest)
    ) {
      return a.endsWith('/read') ? ['Reader', 'AzureML Data Scientist'] : ['Contributor', 'Owner'];
    }
    if (a.endsWith('/read')) return ['Reader', 'AzureML Data Scientist', 'Contributor'];
    return ['AzureML Data Scientist', 'Contributor', 'Owner'];
  }
  if (a.endsWith('/read')) return ['Reader', 'Contributor', 'Owner'];
  return ['Contributor', 'Owner'];
}

/**
 * The scope worth assigning a role at: the workspace for anything inside one, and never an RBAC
 * object (a role definition's or assignment's ID is where Azure says it was denied, not a scope).
 */
function assignmentScope(scope: string): string {
  const at = assignmentScopeOf(scope);
  const m = /^(.*\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+)/i.exec(at);
  return m ? m[1]! : at;
}

export function permissionDenied(
  code: string,
  message: string,
  base: Partial<AppError>,
  ctx: ErrorContext | undefined,
): AppError {
  const perm = /perform action '([^']+)' (?:over|on) scope '([^']+)'/i.exec(message);
  const client = /client '([^']+)' with object id '([^']+)'/i.exec(message);
  const what = ctx?.operation ? `Can't ${ctx.operation}` : 'Permission denied';
  if (code === 'RequestDisallowedByPolicy') {
    return make('permission', `${what}: blocked by Azure Policy`, message, {
      ...base,
      nextSteps: ['Ask the owner of the policy assignment named in the message for an exemption.'],
    });
  }
  if (code === 'LinkedAuthorizationFailed') {
    const linked = linkedDenied(message, base, what);
    if (linked) return linked;
  }
  if (!perm) {
    return make('permission', `${what}: permission denied`, message, {
      ...base,
      nextSteps: [
        `Ask an Owner of ${ctx?.scope ?? 'the resource'} for a role that allows this.`,
        'If access was granted in the last few minutes, sign in again.',
      ],
    });
  }
  const action = perm[1]!;
  const scope = perm[2]!;
  const roles = rolesForAction(action);
  const role = roles[0]!;
  const at = assignmentScope(scope);
  const who = client ? client[1]! : 'you';
  const objectId = client?.[2];
  const rbacWrite = /^microsoft\.authorization\/(roleassignments|roledefinitions)\/write$/i.exec(
    action,
  );
  if (rbacWrite) {
    const assigning = rbacWrite[1]!.toLowerCase() === 'roleassignments';
    return make(
      'permission',
      assigning ? "You can't assign roles here" : "You can't create custom roles here",
      message,
      {
        ...base,
        hint: `${assigning ? 'Assigning roles' : 'Creating custom roles'} at ${scope} needs '${action}' (Owner or User Access Administrator); ${who} does not have it there.`,
        nextSteps: [
          `Ask an Owner or User Access Administrator of ${at} to ${assigning ? 'assign the role' : 'create the role'} for you (the roles step of \`aml-auth\` shows the exact commands for them).`,
          'Or ask them to make you User Access Administrator there, then sign in again.',
        ],
      },
    );
  }
  return make('permission', `${what}: missing permission`, message, {
    ...base,
    hint: `${who} lacks '${action}' at ${scope}. Roles that grant it: ${roles.join(', ')}.`,
    nextSteps: [
      `Ask an Owner or User Access Administrator to assign "${role}" to ${who} at ${at}.`,
      ...(objectId
        ? [
            `With the Azure CLI: az role assignment create --assignee ${objectId} --role "${role}" --scope ${at}`,
          ]
        : []),
      'If access was granted in the last few minutes, sign in again so your token carries it.',
    ],
  });
}

/**
 * 403 `LinkedAuthorizationFailed`: the caller may do the action on the resource, but the request
 * also names another resource (a user-assigned identity, say) on which it lacks a linked action.
 * Azure's words: "… has permission to perform action 'A' on scope 'S'; however, it does not have
 * permission to perform action 'L' on the linked scope(s) 'X[,Y]' or the linked scope(s) are
 * invalid." The explanation names L and X, never A (which the caller has).
 */
function linkedDenied(
  message: string,
  base: Partial<AppError>,
  what: string,
): AppError | undefined {
  const linked =
    /does not have permission to perform action '([^']+)' on the linked scope\(s\) '([^']+)'/i.exec(
      message,
    );
  if (!linked) return undefined;
  const has = /has permission to perform action '([^']+)' on scope '([^']+)'/i.exec(message);
  const client = /client '([^']+)' with object id '([^']+)'/i.exec(message);
  const who = client ? client[1]! : 'you';
  const objectId = client?.[2];
  const action = linked[1]!;
  const scopes = linked[2]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const roles = rolesForAction(action);
  const role = roles[0]!;
  const allowed = has
    ? `${who} may perform '${has[1]}' at ${has[2]}, but the request also uses ${scopes.join(', ')}`
    : `The request uses ${scopes.join(', ')}`;
  return make('permission', `${what}: missing permission on a linked resource`, message, {
    ...base,
    hint: `${allowed}, and ${who} lacks '${action}' there. Roles that grant it: ${roles.join(', ')}.`,
    nextSteps: [
      ...scopes.map(
        (s) => `Ask an Owner or User Access Administrator to assign "${role}" to ${who} at ${s}.`,
      ),
      ...(objectId
        ? scopes.map(
            (s) =>
              `With the Azure CLI: az role assignment create --assignee ${objectId} --role "${role}" --scope ${s}`,
          )
        : []),
      'Or leave that resource out of the request.',
      'If access was granted in the last few minutes, sign in again so your token carries it.',
    ],
  });
}

/** Microsoft.Authorization failures that have a clearer reading than their HTTP status. */
export function roleError(
  code: string,
  message: string,
  detail: string,
  base: Partial<AppError>,
): AppError | undefined {
  switch (code) {
    case 'PrincipalNotFound':
      return make('notFound', 'No principal with that object ID in this directory', detail, {
        ...base,
        hint: "Role assignments take the principal's object ID. For an app that is its service principal's object ID, not the application (client) ID. A principal created moments ago may not have replicated yet.",
        nextSteps: [
          'Check the object ID: `az ad user show --id <upn> --query id`, `az ad sp show --id <appId> --query id` or `az ad group show --group <name> --query id`.',
          'If the principal was just created, wait a minute and try again.',
        ],
      });
    case 'UnmatchedPrincipalType': {
      const m = /has type '([^']+)'.*specified \w+ '([^']+)'/i.exec(message);
      return make(
        'invalid',
        m ? `That principal is a ${m[1]}, not a ${m[2]}` : 'The principal type does not match',
        detail,
        {
          ...base,
          nextSteps: [
            m
              ? `Choose the principal type ${m[1]} and assign again.`
              : 'Choose the principal type that matches the object ID (User, Group or ServicePrincipal).',
          ],
        },
      );
    }
    case 'RoleAssignmentExists':
      return make('conflict', 'This role assignment already exists', detail, {
        ...base,
        nextSteps: ['Nothing to do: the principal already has this role at this scope.'],
      });
    case 'RoleDefinitionWithSameNameExists':
      return make('conflict', 'A custom role with this name already exists', detail, {
        ...base,
        hint: 'Role names are unique in a directory; the existing role may be assignable only elsewhere.',
        nextSteps: [
          'Reuse the existing role (add this scope to its assignable scopes), or choose another name.',
        ],
      });
    case 'RoleDefinitionDoesNotExist':
      return make('notFound', 'That role is not available at this scope', detail, {
        ...base,
        hint: 'A custom role can be assigned only at or below its assignable scopes.',
        nextSteps: ["Choose another scope, or add this scope to the role's assignable scopes."],
      });
    default:
      return undefined;
  }
}
