import type {SandboxContext} from '../context';
import type {Exchange} from '../http';
import {armHeaders} from './common';

/**
 * `GET /metadata/endpoints`: what a client asks Resource Manager to learn a cloud, served without
 * authentication as Azure serves it. api-version 2015-01-01 (what `az cloud register
 * --endpoint-resource-manager` asks) answers one object; 2019-05-01 and later answer a list of
 * clouds. The login endpoint is the sandbox's Azure Stack style authority (`{base}/adfs`): MSAL
 * Python skips its public-cloud instance discovery only for such an authority.
 */
export function handleMetadata(ctx: SandboxContext, ex: Exchange): boolean {
  if (ex.path.replace(/\/+$/, '').toLowerCase() !== '/metadata/endpoints') return false;
  if (ex.method !== 'GET' && ex.method !== 'HEAD') {
    ex.json(
      405,
      {
        error: {
          code: 'MethodNotAllowed',
          message: `The requested resource does not support http method '${ex.method}'.`,
        },
      },
      {...armHeaders(ex, false), allow: 'GET'},
    );
    return true;
  }
  const base = ctx.baseUrl;
  const loginEndpoint = `${base}/adfs`;
  const audiences = ['https://management.core.windows.net/', 'https://management.azure.com/'];
  const version = ex.url.searchParams.get('api-version') ?? '2015-01-01';
  const body =
    version < '2019-05-01'
      ? {
          galleryEndpoint: `${base}/`,
          graphEndpoint: 'https://graph.windows.net/',
          portalEndpoint: `${base}/`,
          authentication: {loginEndpoint, audiences},
        }
      : [
          {
            name: 'AmlAuthSandbox',
            portal: `${base}/`,
            resourceManager: `${base}/`,
            gallery: `${base}/`,
            graph: 'https://graph.windows.net/',
            graphAudience: 'https://graph.windows.net/',
            microsoftGraphResourceId: 'https://graph.microsoft.com/',
            // The Log Analytics audience, as Azure's metadata names it (`az cloud show`:
            // endpoints.logAnalyticsResourceId).
            logAnalyticsResourceId: 'https://api.loganalytics.io',
            authentication: {loginEndpoint, audiences, tenant: 'adfs', identityProvider: 'ADFS'},
            suffixes: {},
          },
        ];
  ex.json(200, body, armHeaders(ex, false));
  return true;
}
