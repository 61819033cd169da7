/**
 * The directory: who an `--assignee` is. Like `az role assignment create --assignee`, an object ID,
 * a user principal name or an application (client) ID is looked up in Microsoft Graph v1.0
 * (`/users/{upn}`, `/directoryObjects/{id}`, `/servicePrincipals?$filter=appId eq '…'`) with a
 * token for the cloud's Graph scope. The HTTP pipeline (@azure/core-rest-pipeline) loads on first use.
 */
import type {Pipeline, HttpClient} from '@azure/core-rest-pipeline';
import {tlsOptionsFor} from './clouds';
import type {AzureContext} from './context';
import {ServiceError} from './errors';
import {GUID, odataString} from '../domain/scopes';
import type {DirectoryPrincipal, PrincipalType} from '../domain/types';
import type {AccessServices} from '../domain/services';

interface GraphObject {
  '@odata.type'?: string;
  id?: string;
  userPrincipalName?: string;
  displayName?: string;
  appId?: string;
}

const UPN = /^[^\s@]+@[^\s@]+$/;

/** The Graph scope of a cloud: its own, or the Graph endpoint's origin + `/.default`. */
export function graphScopeOf(cloud: AzureContext['cloud']): string | undefined {
  if (cloud.graphScope) return cloud.graphScope;
  if (!cloud.graphEndpoint) return undefined;
  // A custom cloud (the sandbox) serves Graph at its own host but for Graph's audience.
  if (cloud.custom) return 'https://graph.microsoft.com/.default';
  return `${new URL(cloud.graphEndpoint).origin}/.default`;
}

function principalOf(
  o: GraphObject,
  matchedBy: DirectoryPrincipal['matchedBy'],
): DirectoryPrincipal {
  const type: PrincipalType = /user$/i.test(o['@odata.type'] ?? '')
    ? 'User'
    : /group$/i.test(o['@odata.type'] ?? '')
      ? 'Group'
      : 'ServicePrincipal';
  return {
    objectId: (o.id ?? '').toLowerCase(),
    type,
    label: o.userPrincipalName ?? o.displayName ?? o.appId ?? o.id ?? '',
    matchedBy,
    ...(o.appId ? {appId: o.appId} : {}),
  };
}

export function directoryServices(ctx: AzureContext): Pick<AccessServices, 'findPrincipal'> {
  let runtime:
    | Promise<{
        rest: typeof import('@azure/core-rest-pipeline');
        pipeline: Pipeline;
        client: HttpClient;
      }>
    | undefined;
  const tls = tlsOptionsFor(ctx.cloud);
  const load = () =>
    (runtime ??= import('@azure/core-rest-pipeline').then((rest) => {
      const pipeline = rest.createPipelineFromOptions({
        retryOptions: {maxRetries: 2},
        userAgentOptions: {userAgentPrefix: 'aml-auth'},
        ...(tls ? {tlsOptions: tls} : {}),
      });
      return {rest, pipeline, client: rest.createDefaultHttpClient()};
    }));

  /** GET on Graph: the parsed body, or undefined on 404. */
  async function get<T>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    const scope = graphScopeOf(ctx.cloud)!;
    const token = await ctx.token(scope, signal);
    const {rest, pipeline, client} = await load();
    const request = rest.createPipelineRequest({
      url: `${ctx.cloud.graphEndpoint}v1.0/${path}`,
      method: 'GET',
      headers: rest.createHttpHeaders({
        authorization: `Bearer ${token.token}`,
        accept: 'application/json',
      }),
      ...(signal ? {abortSignal: signal} : {}),
    });
    const res = await pipeline.sendRequest(client, request);
    if (res.status === 404) return undefined;
    let body: {error?: {code?: string; message?: string}} & Record<string, unknown> = {};
    try {
      body = JSON.parse(res.bodyAsText ?? '{}') as typeof body;
    } catch {
      // not JSON: the status says enough
    }
    if (res.status >= 200 && res.status < 300) return body as T;
    const code = body.error?.code ?? `HTTP ${res.status}`;
    const message = body.error?.message ?? '';
    throw new ServiceError({
      kind: res.status === 401 ? 'auth' : res.status === 403 ? 'permission' : 'unknown',
      code,
      status: res.status,
      title: 'Microsoft Graph refused the directory lookup',
      detail: `${code}${message ? `: ${message}` : ''}`,
      nextSteps: [
        'Reading the directory needs a user, or an app with Graph permission (User.Read.All, Application.Read.All).',
        'Or pass the object ID itself (a GUID) as --assignee.',
      ],
    });
  }

  return {
    findPrincipal(assignee, signal) {
      const wanted = assignee.trim();
      return ctx.run({operation: `look up ${wanted} in the directory`}, async () => {
        if (!ctx.cloud.graphEndpoint) {
          throw new ServiceError({
            kind: 'invalid',
            title: 'This cloud names no Microsoft Graph endpoint',
            detail: `Cloud ${ctx.cloud.name} has no graphEndpoint, so ${wanted} cannot be looked up.`,
            nextSteps: [
              'Pass the object ID (a GUID) as --assignee, or add graphEndpoint to the cloud file.',
            ],
          });
        }
        if (UPN.test(wanted)) {
          const user = await get<GraphObject>(`users/${encodeURIComponent(wanted)}`, signal);
          if (user?.id)
            return principalOf(
              {'@odata.type': '#microsoft.graph.user', ...user},
              'userPrincipalName',
            );
        } else if (GUID.test(wanted)) {
          const obj = await get<GraphObject>(`directoryObjects/${wanted}`, signal);
          if (obj?.id) return principalOf(obj, 'objectId');
          const sps = await get<{value?: GraphObject[]}>(
            `servicePrincipals?$filter=${encodeURIComponent(`appId eq ${odataString(wanted)}`)}`,
            signal,
          );
          const sp = sps?.value?.[0];
          if (sp?.id)
            return principalOf(
              {'@odata.type': '#microsoft.graph.servicePrincipal', ...sp},
              'appId',
            );
        }
        throw new ServiceError({
          kind: 'notFound',
          code: 'PrincipalNotFound',
          title: `No principal ${wanted} in the directory`,
          detail: UPN.test(wanted)
            ? `No user has the user principal name ${wanted}.`
            : GUID.test(wanted)
              ? `${wanted} is neither an object ID nor an application (client) ID in this tenant.`
              : `${wanted} is not an object ID, a user principal name (name@domain) or an app ID.`,
          nextSteps: [
            'Give the object ID, the user principal name (name@domain) or the application (client) ID.',
          ],
        });
      });
    },
  };
}
