import {
  AZUREML_CONNECTION_SECRETS_READER as SECRETS_READER,
  AZUREML_DATA_SCIENTIST as DS,
  MANAGED_IDENTITY_OPERATOR as MI_OPERATOR,
} from '../domain/builtin-roles';
export interface PermissionBlock {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  /** The GUID (the resource's `name`). */
  guid: string;
  roleName: string;
  description: string;
  type: 'BuiltInRole' | 'CustomRole';
  permissions: PermissionBlock[];
  assignableScopes: string[];
  createdOn: string;
  updatedOn: string;
  createdBy: string | null;
  updatedBy: string | null;
}

const block = (actions: string[], notActions: string[] = []): PermissionBlock => ({
  actions,
  notActions,
  dataActions: [],
  notDataActions: [],
});

const builtIn = (
  guid: string,
  roleName: string,
  description: string,
  permissions: PermissionBlock,
  createdOn: string,
  updatedOn: string,
): RoleDefinition => ({
  guid,
  roleName,
  description,
  type: 'BuiltInRole',
  permissions: [permissions],
  assignableScopes: ['/'],
  createdOn,
  updatedOn,
  createdBy: null,
  updatedBy: null,
});

export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
export const USER_ACCESS_ADMINISTRATOR = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
export const AZUREML_DATA_SCIENTIST = DS.id;
export const AZUREML_CONNECTION_SECRETS_READER = SECRETS_READER.id;
export const MANAGED_IDENTITY_OPERATOR = MI_OPERATOR.id;

/** Azure's built-in roles that matter for online endpoints, with their real GUIDs and permissions. */
export function builtInRoles(): RoleDefinition[] {
  return [
    builtIn(
      OWNER,
      'Owner',
      'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
      block(['*']),
      '2015-02-02T21:55:09.880Z',
      '2021-11-11T20:13:45.862Z',
    ),
    builtIn(
      CONTRIBUTOR,
      'Contributor',
      'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
      block(
        ['*'],
        [
          'Microsoft.Authorization/*/Delete',
          'Microsoft.Authorization/*/Write',
          'Microsoft.Authorization/elevateAccess/Action',
          'Microsoft.Blueprint/blueprintAssignments/write',
          'Microsoft.Blueprint/blueprintAssignments/delete',
          'Microsoft.Compute/galleries/share/action',
          'Microsoft.Purview/consents/write',
          'Microsoft.Purview/consents/delete',
          'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
          'Microsoft.Subscription/cancel/action',
          'Microsoft.Subscription/enable/action',
        ],
      ),
      '2015-02-02T21:55:09.880Z',
      '2024-01-19T16:00:00.000Z',
    ),
    builtIn(
      READER,
      'Reader',
      'View all resources, but does not allow you to make any changes.',
      block(['*/read']),
      '2015-02-02T21:55:09.880Z',
      '2021-11-11T20:13:47.862Z',
    ),
    builtIn(
      USER_ACCESS_ADMINISTRATOR,
      'User Access Administrator',
      'Lets you manage user access to Azure resources.',
      block(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']),
      '2015-02-02T21:55:09.880Z',
      '2021-11-11T20:13:48.862Z',
    ),
    builtIn(
      AZUREML_DATA_SCIENTIST,
      DS.roleName,
      DS.description,
      DS.permissions[0]!,
      '2021-07-14T21:51:06.036Z',
      '2023-06-01T15:29:07.409Z',
    ),
    builtIn(
      AZUREML_CONNECTION_SECRETS_READER,
      SECRETS_READER.roleName,
      SECRETS_READER.description,
      SECRETS_READER.permissions[0]!,
      '2023-05-11T15:34:05.162Z',
      '2023-10-17T15:25:31.752Z',
    ),
    builtIn(
      MANAGED_IDENTITY_OPERATOR,
      MI_OPERATOR.roleName,
      MI_OPERATOR.description,
      MI_OPERATOR.permissions[0]!,
      '2017-12-14T19:52:04.036Z',
      '2021-11-11T20:13:38.862Z',
    ),
  ];
}
