/**
 * When Resource Manager refuses a token as expired that looks valid here (ExpiredAuthenticationToken:
 * the clocks disagree, or the session was revoked), a fresh token and the same request once more.
 *
 * MSAL serves a cached token until it expires by this machine's clock, and each ARM client's
 * bearer policy keeps the one it got; neither would ever ask again. So the signed-in credential
 * can be told to make its next token for a scope a fresh one (a claims request is what makes MSAL
 * skip its cache: the form Entra's claims challenges take, a token issued no earlier than now), and
 * a policy after the bearer policy re-sends the refused request with it — and sends every later
 * request that carries the refused token with the fresh one instead.
 */
import type {PipelinePolicy, PipelineResponse} from '@azure/core-rest-pipeline';
import type {AccessToken, TokenCredential} from '@azure/identity';

export interface Refreshable extends TokenCredential {
  /** The next token for `scope` is fetched afresh, past every cache. */
  refreshNext(scope: string): void;
}

/** A claims request for a token issued no earlier than now: MSAL skips its cache for it. */
export function freshClaims(): string {
  const nbf = String(Math.floor(Date.now() / 1000));
  return JSON.stringify({access_token: {nbf: {essential: true, value: nbf}}});
}

export function refreshable(inner: TokenCredential): Refreshable {
  const fresh = new Set<string>();
  return {
    refreshNext: (scope) => void fresh.add(scope),
    getToken(scopes, options) {
      const scope = Array.isArray(scopes) ? scopes.join(' ') : scopes;
      if (!fresh.delete(scope)) return inner.getToken(scopes, options);
      return inner.getToken(scopes, {...options, claims: freshClaims()});
    },
  };
}

function isExpiredTokenAnswer(response: PipelineResponse): boolean {
  if (response.status !== 401 || !response.bodyAsText) return false;
  try {
    const body = JSON.parse(response.bodyAsText) as {error?: {code?: unknown}};
    return body.error?.code === 'ExpiredAuthenticationToken';
  } catch {
    return false;
  }
}

const bearerOf = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;

/** Goes after the client's bearer policy (`afterPhase: 'Sign'`). */
export function freshTokenPolicy(credential: Refreshable, scope: string): PipelinePolicy {
  /** A token Resource Manager refused as expired → the fresh one sent in its place. */
  const replaced = new Map<string, AccessToken>();
  return {
    name: 'amlAuthFreshToken',
    async sendRequest(request, next) {
      const sent = bearerOf(request.headers.get('authorization'));
      const swap = sent ? replaced.get(sent) : undefined;
      if (swap && swap.expiresOnTimestamp > Date.now()) {
        request.headers.set('authorization', `Bearer ${swap.token}`);
      }
      const response = await next(request);
      if (!sent || !isExpiredTokenAnswer(response)) return response;
      let fresh: AccessToken | null;
      try {
        credential.refreshNext(scope);
        fresh = await credential.getToken(scope, {
          abortSignal: request.abortSignal,
          enableCae: true,
        });
      } catch {
        // No fresh token to be had (a method that cannot refresh silently): the refusal stands,
        // and says to sign in again.
        return response;
      }
      if (!fresh || fresh.token === bearerOf(request.headers.get('authorization'))) return response;
      replaced.set(sent, fresh);
      request.headers.set('authorization', `Bearer ${fresh.token}`);
      return next(request);
    },
  };
}
