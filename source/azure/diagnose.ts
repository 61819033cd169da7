/**
 * When MSAL cannot resolve the authority it only says `endpoints_resolution_error`: DNS, a refused
 * connection, an untrusted certificate and an unknown tenant all look the same. One plain GET of
 * the tenant's OpenID metadata, with the cloud's own trust, tells them apart.
 */
import {tlsOptionsFor} from './clouds';
import {toAppError, type ErrorContext} from './errors';
import type {AppError, CloudConfig} from '../domain/types';

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * The real cause of an authority failure, or undefined when the metadata answers fine (or cannot
 * be checked the way the SDK reaches it, e.g. through a proxy).
 */
export function diagnoseAuthority(
  cloud: CloudConfig,
  tenantId: string | undefined,
  context: ErrorContext,
  signal?: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AppError | undefined> {
  if (PROXY_VARS.some((v) => env[v])) return Promise.resolve(undefined);
  const url = `${cloud.authorityHost}/${encodeURIComponent(tenantId || 'organizations')}/v2.0/.well-known/openid-configuration`;
  const host = new URL(url).host;
  const ctx: ErrorContext = {...context, cloud, host};
  // node:https is loaded when a diagnosis is needed, not with the rest at start-up.
  const {request} = process.getBuiltinModule('node:https');
  return new Promise((resolve) => {
    const req = request(
      url,
      {method: 'GET', ca: tlsOptionsFor(cloud)?.ca, timeout: 10_000, signal},
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve(undefined));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(undefined);
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON: reported by status below
          }
          if (typeof body.error === 'string') {
            resolve(
              toAppError(
                {
                  name: 'AuthenticationError',
                  statusCode: status,
                  message: String(body.error_description ?? body.error),
                  errorResponse: {
                    error: body.error,
                    errorDescription: body.error_description,
                    errorCodes: body.error_codes,
                    correlationId: body.correlation_id,
                  },
                },
                ctx,
              ),
            );
            return;
          }
          resolve({
            kind: 'network',
            title: `The sign-in service at ${host} answered HTTP ${status}`,
            detail: `GET ${url} → ${status}; this does not look like a Microsoft Entra authority.`,
            status,
            hint: 'Check the authorityHost of the cloud (or AZURE_AUTHORITY_HOST).',
            nextSteps: ['Check the cloud (--cloud) and its authorityHost.'],
          });
        });
      },
    );
    req.on('timeout', () => {
      req.destroy(Object.assign(new Error(`connect ETIMEDOUT ${host}`), {code: 'ETIMEDOUT'}));
    });
    req.on('error', (err) => {
      resolve((err as Error).name === 'AbortError' ? undefined : toAppError(err, ctx));
    });
    req.end();
  });
}
