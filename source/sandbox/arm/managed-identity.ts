import type {SandboxContext} from '../context';
import {type UserAssignedIdentity, userAssignedIdentityId} from '../world';
import {
  ArmError,
  authorize,
  checkApiVersion,
  findResourceGroup,
  findSubscription,
  page,
  sendArm,
} from './common';
import type {Route} from './router';

const NS = 'Microsoft.ManagedIdentity';
const READ = `${NS}/userAssignedIdentities/read`;
const BASE = `/subscriptions/:sub/resourceGroups/:rg/providers/${NS}/userAssignedIdentities`;

/** The `Microsoft.ManagedIdentity/userAssignedIdentities` resource (read only: the seeded ones). */
function identityJson(ctx: SandboxContext, u: UserAssignedIdentity) {
  return {
    id: userAssignedIdentityId(u),
    name: u.name,
    type: `${NS}/userAssignedIdentities`,
    location: u.location,
    tags: {},
    properties: {
      tenantId: ctx.world.tenantId,
      principalId: u.principalId,
      clientId: u.clientId,
      isolationScope: 'None',
    },
  };
}

export const managedIdentityRoutes: Route[] = [
  {
    pattern: BASE,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'managedIdentity');
        const sub = findSubscription(ctx, p.sub!);
        authorize(ctx, call, READ, `/subscriptions/${sub.subscriptionId}/resourceGroups/${p.rg}`);
        const rg = findResourceGroup(ctx, sub.subscriptionId, p.rg!);
        const list = ctx.world.userAssignedIdentities.filter(
          (u) => u.subscriptionId === sub.subscriptionId && u.resourceGroup === rg.name,
        );
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            list.map((u) => identityJson(ctx, u)),
          ),
        );
      },
    },
  },
  {
    pattern: `${BASE}/:name`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'managedIdentity');
        const sub = findSubscription(ctx, p.sub!);
        authorize(
          ctx,
          call,
          READ,
          `/subscriptions/${sub.subscriptionId}/resourceGroups/${p.rg}/providers/${NS}/userAssignedIdentities/${p.name}`,
        );
        const rg = findResourceGroup(ctx, sub.subscriptionId, p.rg!);
        const u = ctx.world.userAssignedIdentities.find(
          (x) =>
            x.subscriptionId === sub.subscriptionId &&
            x.resourceGroup === rg.name &&
            x.name.toLowerCase() === p.name!.toLowerCase(),
        );
        if (!u) {
          throw new ArmError(
            404,
            'ResourceNotFound',
            `The Resource '${NS}/userAssignedIdentities/${p.name}' under resource group '${rg.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          );
        }
        sendArm(ex, 200, identityJson(ctx, u));
      },
    },
  },
];
