import {Box, Text} from 'ink';
import {inspectToken, TokenDecodeError} from '../../../../domain/token';
import {localTime} from '../../../../lib/time';
import {visible} from '../../../../lib/visible';
import {theme} from '../../../theme';

/** The claims people look at first, in jwt.ms order. */
const KEY_CLAIMS = [
  'aud',
  'iss',
  'oid',
  'tid',
  'upn',
  'appid',
  'scp',
  'roles',
  'iat',
  'nbf',
  'exp',
];
const TIMES = new Set(['iat', 'nbf', 'exp']);

/** The management token decoded locally (nothing is sent anywhere), with an audience check. */
export function TokenView({
  token,
  scope,
  now,
  title = 'Management token',
  audienceName = 'management',
  claims: shown = KEY_CLAIMS,
}: {
  token: string;
  scope: string;
  now: number;
  title?: string;
  audienceName?: string;
  /** Which claims to list (default: the jwt.ms set). */
  claims?: string[];
}) {
  let inspection;
  try {
    inspection = inspectToken(token, scope);
  } catch (err) {
    if (!(err instanceof TokenDecodeError)) throw err;
    return (
      <Text color={theme.status.warning}>This token cannot be decoded locally: {err.message}.</Text>
    );
  }
  const claims = inspection.claims as Record<string, unknown>;
  const show = (name: string): string | undefined => {
    const v = claims[name];
    if (v === undefined) return undefined;
    if (TIMES.has(name) && typeof v === 'number') return `${v}  (${localTime(v * 1000, now)})`;
    return visible(Array.isArray(v) ? v.join(' ') || '[]' : String(v));
  };
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border.default} paddingX={1}>
      <Text bold>{title} (decoded locally, signature not checked)</Text>
      {shown.map((name) => {
        const v = show(name);
        return v === undefined ? null : (
          <Text key={name} wrap="truncate-end">
            <Text color={theme.text.muted}>{name.padEnd(6)}</Text> {v}
          </Text>
        );
      })}
      <Text color={inspection.audienceOk ? theme.status.success : theme.status.error}>
        {inspection.audienceOk
          ? `✓ aud is the ${audienceName} audience for ${scope}`
          : `✗ aud ${String(inspection.audience)} is not the ${audienceName} audience for ${scope}: the service will refuse this token`}
      </Text>
    </Box>
  );
}
