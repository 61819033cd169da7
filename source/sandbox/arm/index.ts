import type {SandboxContext} from '../context';
import {BodyTooLarge, type Exchange} from '../http';
import {handleAuthorization} from './authorization';
import {deploymentRoutes} from './deployments';
import {ArmError, authenticate, sendArmError} from './common';
import {managedIdentityRoutes} from './managed-identity';
import {handleMetadata} from './metadata';
import {mlRoutes, settleOperations} from './ml';
import {resourceRoutes} from './resources';
import {monitorRoutes} from '../monitor';
import {resolveRoute} from './router';

const routes = [
  ...monitorRoutes,
  ...resourceRoutes,
  ...mlRoutes,
  ...deploymentRoutes,
  ...managedIdentityRoutes,
];

/** Azure Resource Manager: authenticate, then route; every failure is an ARM error body. */
export async function handleArm(ctx: SandboxContext, ex: Exchange): Promise<void> {
  try {
    settleOperations(ctx);
    if (handleMetadata(ctx, ex)) return;
    const call = authenticate(ctx, ex);
    if (await handleAuthorization(ctx, ex, call)) return;
    const segments = ex.path.split('/').filter(Boolean);
    const match = resolveRoute(routes, ex, segments);
    if (!match) {
      throw new ArmError(
        404,
        segments[0]?.toLowerCase() === 'subscriptions' ? 'InvalidResourceType' : 'NotFound',
        `The resource path '${ex.path}' is not served by this cloud. Check the path and api-version.`,
      );
    }
    await match.handler(ctx, ex, call, match.params);
  } catch (err) {
    if (err instanceof ArmError) sendArmError(ex, err);
    else if (err instanceof BodyTooLarge) {
      sendArmError(
        ex,
        new ArmError(
          413,
          'RequestEntityTooLarge',
          `The request content is larger than the ${err.limit} bytes allowed.`,
        ),
      );
    } else throw err;
  }
}

export {settleOperations};
