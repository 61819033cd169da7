/**
 * Local JWT decoding, like jwt.ms: header and claims, no signature verification (the token's
 * audience verifies it, not us). Never logs or returns the token itself.
 */
import {visible} from '../lib/visible';
import {resourceOfScope} from './scopes';
import type {Identity} from './types';

export interface JwtClaims {
  aud?: string | string[];
  iss?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  oid?: string;
  sub?: string;
  tid?: string;
  upn?: string;
  preferred_username?: string;
  unique_name?: string;
  email?: string;
  name?: string;
  appid?: string;
  azp?: string;
  idtyp?: string;
  scp?: string;
  roles?: string[];
  /** Present on managed identity tokens: the identity's ARM resource ID. */
  xms_mirid?: string;
  [claim: string]: unknown;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
  /** True when the token carries a signature segment (it is not checked). */
  signed: boolean;
}

export class TokenDecodeError extends Error {
  override readonly name = 'TokenDecodeError';
}

function segment(part: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part)) {
    throw new TokenDecodeError(`the ${what} is not base64url`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenDecodeError(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenDecodeError(`the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS. Throws TokenDecodeError (without echoing the token). */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length === 5) {
    throw new TokenDecodeError('this is an encrypted token (JWE): it cannot be decoded locally');
  }
  if (parts.length !== 3) {
    throw new TokenDecodeError(
      `a JWT has three dot-separated parts; this value has ${parts.length}`,
    );
  }
  return {
    header: segment(parts[0]!, 'header'),
    claims: segment(parts[1]!, 'payload') as JwtClaims,
    signed: parts[2]!.length > 0,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
/** A claim shown as a name: a crafted token's control characters are made visible. */
const shown = (v: unknown): string | undefined => {
  const s = str(v);
  return s === undefined ? undefined : visible(s);
};

/**
 * Who a token speaks for. Users: `upn`, `preferred_username` or `unique_name`; applications:
 * `appid` (v1) or `azp` (v2); `idtyp` decides when present; `xms_mirid` marks a managed identity.
 */
export function identityFromClaims(claims: JwtClaims): Identity {
  const userName =
    shown(claims.upn) ??
    shown(claims.preferred_username) ??
    shown(claims.unique_name) ??
    shown(claims.email);
  const appId = shown(claims.appid) ?? shown(claims.azp);
  const idtyp = shown(claims.idtyp)?.toLowerCase();
  const isUser = idtyp ? idtyp === 'user' : Boolean(userName || shown(claims.scp));
  const base = {
    objectId: shown(claims.oid) ?? shown(claims.sub) ?? '',
    tenantId: shown(claims.tid) ?? '',
    ...(appId ? {appId} : {}),
  };
  if (isUser) {
    const name = userName ?? shown(claims.name) ?? base.objectId;
    const displayName = shown(claims.name);
    return {kind: 'user', name, ...(displayName ? {displayName} : {}), ...base};
  }
  const mirid = shown(claims.xms_mirid);
  if (mirid) {
    return {
      kind: 'managedIdentity',
      name: appId ?? base.objectId,
      displayName: mirid.split('/').pop()!,
      ...base,
    };
  }
  return {kind: 'servicePrincipal', name: appId ?? base.objectId, ...base};
}

/** Resource Manager audiences that are one and the same resource (v1 and v2 token forms). */
const EQUIVALENT_AUDIENCES: readonly (readonly string[])[] = [
  ['https://management.azure.com', 'https://management.core.windows.net'],
  ['https://management.chinacloudapi.cn', 'https://management.core.chinacloudapi.cn'],
  ['https://management.usgovcloudapi.net', 'https://management.core.usgovcloudapi.net'],
];

const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();

/**
 * Whether a token's `aud` serves a scope: `https://management.azure.com/.default` accepts
 * `https://management.azure.com`, `…/` and the `management.core.windows.net` forms.
 */
export function audienceMatches(aud: string | string[] | undefined, scope: string): boolean {
  if (aud === undefined) return false;
  const wanted = norm(resourceOfScope(scope));
  const group = EQUIVALENT_AUDIENCES.find((g) => g.some((a) => norm(a) === wanted));
  const accepted = new Set(group ? group.map(norm) : [wanted]);
  return (Array.isArray(aud) ? aud : [aud]).some((a) => accepted.has(norm(a)));
}

/** What the inspect-token view shows: the decoded token and the checks on it. No token text. */
export interface TokenInspection {
  header: Record<string, unknown>;
  claims: JwtClaims;
  audience: string | string[] | undefined;
  expectedScope: string;
  audienceOk: boolean;
  issuedAt?: Date;
  notBefore?: Date;
  expiresOn?: Date;
  /** Delegated scopes (`scp`, space-separated) for users; empty for applications. */
  scopes: string[];
  /** Application roles (`roles`). */
  roles: string[];
  identity: Identity;
}

const date = (seconds: unknown) =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;

export function inspectToken(token: string, expectedScope: string): TokenInspection {
  const {header, claims} = decodeJwt(token);
  const inspection: TokenInspection = {
    header,
    claims,
    audience: claims.aud,
    expectedScope,
    audienceOk: audienceMatches(claims.aud, expectedScope),
    scopes: str(claims.scp)?.split(/\s+/) ?? [],
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r) => typeof r === 'string') : [],
    identity: identityFromClaims(claims),
  };
  const iat = date(claims.iat);
  const nbf = date(claims.nbf);
  const exp = date(claims.exp);
  if (iat) inspection.issuedAt = iat;
  if (nbf) inspection.notBefore = nbf;
  if (exp) inspection.expiresOn = exp;
  return inspection;
}
