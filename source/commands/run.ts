/**
 * Every command's implementation, loaded as one module when a command runs (register.ts). One
 * lazy entry for all of them, rather than one per command, keeps the bundle's shared code in a
 * few large chunks: each chunk a start-up loads costs its own resolve and link.
 */
export {runCreds} from './creds';
export {runInvoke} from './invoke';
export {runRolesCheck} from './roles';
export {runRolesAssign, runRolesAssignments, runRolesDefine, runRolesList} from './roles-manage';
export {runLogsEnable, runLogsTraffic, runLogsWorkspaces} from './logs';
export {runTokenInspect} from './token';
export {
  runProfilesList,
  runProfilesRemove,
  runProfilesRename,
  runProfilesSave,
  runProfilesShow,
} from './profiles';
export {
  runEndpointsCreate,
  runEndpointsDelete,
  runEndpointsList,
  runEndpointsShow,
  runEndpointsUpdate,
} from './endpoints';
export {
  runDeploymentsCreate,
  runDeploymentsDelete,
  runDeploymentsList,
  runDeploymentsLogs,
  runDeploymentsShow,
  runDeploymentsTraffic,
} from './deployments';
