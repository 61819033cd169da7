/**
 * `aml-auth token inspect [TOKEN|-]`: decodes a JWT offline, like jwt.ms — header, claims, times in
 * local time and as "in 42m" — and, with `--for management|scoring`, checks its audience against
 * the cloud's. The token itself is never printed. Nothing here touches the network.
 */
import {resolveCloud} from '../azure/clouds';
import {resourceOfScope} from '../domain/scopes';
import {audienceMatches, inspectToken, type TokenInspection} from '../domain/token';
import type {CloudConfig} from '../domain/types';
import {localTime, relative} from '../lib/time';
import {visible, visibleText} from '../lib/visible';
import {CliError, ExitCode} from './exit-codes';
import {envLines, rows, timePair, type Style} from './output';
import {loadTarget, registerSecret, runCommand, type CommonFlags} from './runtime';

export type TokenUse = 'management' | 'scoring';

export interface TokenInspectFlags extends CommonFlags {
  for?: string;
}

export function parseUse(value: string | undefined): TokenUse | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'management' || v === 'scoring') return v;
  throw new CliError(`--for '${value}' is not a use`, ExitCode.usage, 'use management or scoring');
}

/**
 * The token in what was given: a bare JWT, `Bearer …`, an `Authorization:` header, or JSON with a
 * token field (`aml-auth creds -o json`, `az account get-access-token`, a token response).
 */
export function extractToken(input: string): string {
  let text = input.trim();
  if (text.startsWith('{')) {
    try {
      const doc = JSON.parse(text) as Record<string, unknown>;
      const credential = doc.credential as Record<string, unknown> | undefined;
      const candidate = [
        credential?.value,
        doc.accessToken,
        doc.access_token,
        doc.token,
        doc.value,
      ].find((v): v is string => typeof v === 'string' && v.length > 0);
      if (candidate) text = candidate.trim();
    } catch {
      // not JSON after all: decoded as it is, and the decoder says what is wrong
    }
  }
  return text.replace(/^authorization:\s*/i, '').replace(/^bearer\s+/i, '');
}

/** Which use a token's audience fits in this cloud. */
export function detectUse(aud: TokenInspection['audience'], cloud: CloudConfig): TokenUse | null {
  if (audienceMatches(aud, cloud.managementScope)) return 'management';
  if (audienceMatches(aud, cloud.mlScope)) return 'scoring';
  return null;
}

export interface InspectReport {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  audience: string | string[] | null;
  detectedUse: TokenUse | null;
  intendedUse: TokenUse | null;
  expectedAudience: string | null;
  audienceOk: boolean | null;
  identity: TokenInspection['identity'];
  scopes: string[];
  roles: string[];
  expired: boolean | null;
  expiresInSeconds: number | null;
  issuedAt: string | null;
  issuedAtEpoch: number | null;
  notBefore: string | null;
  notBeforeEpoch: number | null;
  expiresOn: string | null;
  expiresOnEpoch: number | null;
}

export function inspectReport(
  token: string,
  cloud: CloudConfig,
  use: TokenUse | undefined,
  now: number,
): InspectReport {
  const expectedScope = use === 'scoring' ? cloud.mlScope : cloud.managementScope;
  const i = inspectToken(token, expectedScope);
  const exp = i.expiresOn?.getTime();
  return {
    header: i.header,
    claims: i.claims,
    audience: i.audience ?? null,
    detectedUse: detectUse(i.audience, cloud),
    intendedUse: use ?? null,
    expectedAudience: use ? resourceOfScope(expectedScope) : null,
    audienceOk: use ? i.audienceOk : null,
    identity: i.identity,
    scopes: i.scopes,
    roles: i.roles,
    expired: exp === undefined ? null : exp <= now,
    expiresInSeconds: exp === undefined ? null : Math.floor((exp - now) / 1000),
    ...timePair('issuedAt', i.issuedAt?.getTime()),
    ...timePair('notBefore', i.notBefore?.getTime()),
    ...timePair('expiresOn', exp),
  };
}

const at = (iso: string | null, now: number) =>
  iso === null ? '—' : `${localTime(Date.parse(iso), now)} (${relative(Date.parse(iso), now)})`;

export function inspectText(r: InspectReport, now: number, style: Style): string {
  // Every claim is the token author's text: control characters are shown, never obeyed.
  const aud = visible(Array.isArray(r.audience) ? r.audience.join(', ') : (r.audience ?? '(none)'));
  const audNote =
    r.audienceOk === null
      ? r.detectedUse
        ? style.dim(`(${r.detectedUse})`)
        : style.dim('(neither management nor scoring in this cloud)')
      : r.audienceOk
        ? style.ok(`✓ right for ${r.intendedUse}`)
        : style.bad(`✗ wrong for ${r.intendedUse}: needs ${r.expectedAudience}`);
  const who = r.identity;
  const alg = typeof r.header.alg === 'string' ? visible(r.header.alg) : '?';
  const kid = typeof r.header.kid === 'string' ? `, key ${visible(r.header.kid)}` : '';
  const pairs: [string, string][] = [
    ['audience', `${aud} ${audNote}`],
    ['issuer', typeof r.claims.iss === 'string' ? visible(r.claims.iss) : '—'],
    [
      'identity',
      `${who.kind} ${who.name}${who.objectId && who.objectId !== who.name ? ` (object ID ${who.objectId})` : ''}`,
    ],
    ['tenant', who.tenantId || '—'],
    ['issued', at(r.issuedAt, now)],
    ['not before', at(r.notBefore, now)],
    ['expires', r.expired ? style.bad(`${at(r.expiresOn, now)} — expired`) : at(r.expiresOn, now)],
  ];
  if (r.scopes.length) pairs.push(['scopes', visible(r.scopes.join(' '))]);
  if (r.roles.length) pairs.push(['roles', visible(r.roles.join(' '))]);
  return [
    `JWT (${alg}${kid}; signature not verified)`,
    rows(pairs),
    '',
    'header:',
    visibleText(JSON.stringify(r.header, null, 2)),
    'claims:',
    visibleText(JSON.stringify(r.claims, null, 2)),
    '',
  ].join('\n');
}

export function inspectEnv(r: InspectReport): string {
  return envLines({
    TOKEN_AUDIENCE: Array.isArray(r.audience) ? r.audience.join(' ') : r.audience,
    TOKEN_USE: r.detectedUse,
    TOKEN_AUDIENCE_OK: r.audienceOk,
    TOKEN_OBJECT_ID: r.identity.objectId || null,
    TOKEN_TENANT_ID: r.identity.tenantId || null,
    TOKEN_EXPIRES_ON: r.expiresOnEpoch,
    TOKEN_EXPIRED: r.expired,
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function runTokenInspect(
  tokenArg: string | undefined,
  flags: TokenInspectFlags,
): Promise<void> {
  return runCommand(flags, async (rt) => {
    const use = parseUse(flags.for);
    let input: string;
    if (tokenArg === undefined || tokenArg === '-') {
      if (process.stdin.isTTY) {
        throw new CliError(
          'give a token, or pipe one on stdin',
          ExitCode.usage,
          'e.g. aml-auth creds -p NAME -o json | aml-auth token inspect - --for scoring',
        );
      }
      input = await readStdin();
    } else {
      input = tokenArg;
    }
    const token = extractToken(input);
    registerSecret(token);
    if (!token) throw new CliError('no token was given (the input is empty)', ExitCode.usage);

    const {target} = await loadTarget(rt, []);
    const cloud = await resolveCloud(target.cloud);
    const now = Date.now();
    let report: InspectReport;
    try {
      report = inspectReport(token, cloud, use, now);
    } catch (err) {
      if ((err as Error).name === 'TokenDecodeError') {
        throw new CliError(
          `not a JWT: ${(err as Error).message}`,
          ExitCode.usage,
          'keys (key auth mode) are not JWTs; Entra and Azure ML tokens are',
        );
      }
      throw err;
    }
    rt.emit(report, {
      env: () => inspectEnv(report),
      text: () => inspectText(report, now, rt.style),
    });

    if (use && report.audienceOk === false) {
      rt.note(
        `aml-auth: wrong audience for ${use}: the token is for ${visible(Array.isArray(report.audience) ? report.audience.join(', ') : (report.audience ?? 'no audience'))}, ${use} needs ${report.expectedAudience}`,
      );
      rt.note(
        use === 'scoring'
          ? `  hint: get a token for ${cloud.mlScope} (aml-auth creds on an aad_token endpoint), not the management scope`
          : `  hint: get a token for ${cloud.managementScope}`,
      );
      return ExitCode.usage;
    }
    if (use && report.expired) {
      rt.note(`aml-auth: the token expired ${relative(Date.parse(report.expiresOn!), now)}`);
      rt.note('  hint: fetch a fresh one (aml-auth creds)');
      return ExitCode.authentication;
    }
    return ExitCode.ok;
  });
}
