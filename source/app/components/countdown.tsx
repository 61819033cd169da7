import {Text} from 'ink';
import {formatRemaining, urgency} from '../../lib/time';
import {useNow} from '../hooks/use-now';
import {theme} from '../theme';

const COLORS = {
  ok: theme.status.success,
  soon: theme.status.warning,
  critical: theme.status.error,
  expired: theme.status.error,
};

/** A live countdown to `target` (epoch ms): green, then yellow, then red, then "expired". */
export function Countdown({target, lifetimeMs}: {target: number; lifetimeMs?: number}) {
  const now = useNow();
  const level = urgency(target, now, lifetimeMs);
  return (
    <Text color={COLORS[level]} bold={level === 'expired'}>
      {formatRemaining(target, now)}
    </Text>
  );
}
