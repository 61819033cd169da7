import type {SandboxContext} from '../context';
import {hasAnyAccessWithin, isAllowed} from '../rbac';
import type {Subscription} from '../world';
import {
  type ArmCall,
  authorize,
  checkApiVersion,
  findResourceGroup,
  findSubscription,
  page,
  sendArm,
  ArmError,
} from './common';
import type {Route} from './router';

const TENANT_DISPLAY_NAME = 'Contoso Sandbox';

export function subscriptionJson(ctx: SandboxContext, s: Subscription) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    tags: {},
    subscriptionId: s.subscriptionId,
    tenantId: ctx.world.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

/** A subscription is visible to a caller who holds any role in it (at, above or below it). */
function visible(ctx: SandboxContext, call: ArmCall, s: Subscription): boolean {
  return hasAnyAccessWithin(
    ctx.world,
    call.principal.objectId,
    `/subscriptions/${s.subscriptionId}`,
  );
}

function resourceGroupJson(rg: {subscriptionId: string; name: string; location: string}) {
  return {
    id: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    properties: {provisioningState: 'Succeeded'},
  };
}

export const resourceRoutes: Route[] = [
  {
    pattern: '/tenants',
    methods: {
      GET: (ctx, ex) => {
        checkApiVersion(ex, 'resources');
        sendArm(ex, 200, {
          value: [
            {
              id: `/tenants/${ctx.world.tenantId}`,
              tenantId: ctx.world.tenantId,
              tenantCategory: 'Home',
              countryCode: 'US',
              displayName: TENANT_DISPLAY_NAME,
              domains: [ctx.world.tenantDomain],
              defaultDomain: ctx.world.tenantDomain,
              tenantType: 'AAD',
            },
          ],
        });
      },
    },
  },
  {
    pattern: '/subscriptions',
    methods: {
      GET: (ctx, ex, call) => {
        checkApiVersion(ex, 'resources');
        const subs = ctx.world.subscriptions.filter((s) => visible(ctx, call, s));
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            subs.map((s) => subscriptionJson(ctx, s)),
            '$skiptoken',
          ),
        );
      },
    },
  },
  {
    pattern: '/subscriptions/:sub',
    methods: {
      GET: (ctx, ex, call, {sub}) => {
        checkApiVersion(ex, 'resources');
        const s = findSubscription(ctx, sub!);
        if (!visible(ctx, call, s)) {
          throw new ArmError(
            404,
            'SubscriptionNotFound',
            `The subscription '${sub}' could not be found.`,
          );
        }
        sendArm(ex, 200, subscriptionJson(ctx, s));
      },
    },
  },
  {
    pattern: '/subscriptions/:sub/resourceGroups',
    methods: {
      GET: (ctx, ex, call, {sub}) => {
        checkApiVersion(ex, 'resources');
        const s = findSubscription(ctx, sub!);
        const groups = ctx.world.resourceGroups.filter(
          (rg) =>
            rg.subscriptionId === s.subscriptionId &&
            isAllowed(
              ctx.world,
              call.principal.objectId,
              'Microsoft.Resources/subscriptions/resourceGroups/read',
              `/subscriptions/${s.subscriptionId}/resourceGroups/${rg.name}`,
            ),
        );
        sendArm(ex, 200, page(ctx, ex, groups.map(resourceGroupJson), '$skiptoken'));
      },
    },
  },
  {
    pattern: '/subscriptions/:sub/resourceGroups/:rg',
    methods: {
      GET: (ctx, ex, call, {sub, rg}) => {
        checkApiVersion(ex, 'resources');
        const s = findSubscription(ctx, sub!);
        const scope = `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}`;
        authorize(ctx, call, 'Microsoft.Resources/subscriptions/resourceGroups/read', scope);
        sendArm(ex, 200, resourceGroupJson(findResourceGroup(ctx, s.subscriptionId, rg!)));
      },
    },
  },
];
