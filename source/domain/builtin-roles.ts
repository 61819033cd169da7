import type {PermissionBlock} from './types';

/**
 * Azure's built-in roles for Azure ML, as Azure publishes them: one definition that the wizard's
 * role choices and the sandbox cloud both use.
 */
const ML = 'Microsoft.MachineLearningServices/workspaces';

const block = (actions: string[], notActions: string[] = []): PermissionBlock => ({
  actions,
  notActions,
  dataActions: [],
  notDataActions: [],
});

export const AZUREML_DATA_SCIENTIST = {
  id: 'f6c7c914-8db3-469d-8ca1-694a8f32e121',
  roleName: 'AzureML Data Scientist',
  description:
    'Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute resources and modifying the workspace itself.',
  permissions: [
    block(
      [`${ML}/*/read`, `${ML}/*/action`, `${ML}/*/delete`, `${ML}/*/write`],
      [
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
    ),
  ],
};

export const AZUREML_CONNECTION_SECRETS_READER = {
  id: 'ea01e6af-a1c1-4350-9563-ad00f8c72ec5',
  roleName: 'Azure Machine Learning Workspace Connection Secrets Reader',
  description: 'Can list workspace connection secrets',
  permissions: [block([`${ML}/connections/listsecrets/action`, `${ML}/metadata/secrets/read`])],
};

/** What attaching a user-assigned identity to a resource needs on the identity (a linked check). */
export const ASSIGN_USER_ASSIGNED_IDENTITY =
  'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

export const MANAGED_IDENTITY_OPERATOR = {
  id: 'f1a07417-d97a-45cb-824c-7a7467783830',
  roleName: 'Managed Identity Operator',
  description: 'Read and Assign User Assigned Identity',
  permissions: [
    block([
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Support/*',
    ]),
  ],
};
