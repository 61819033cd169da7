import {Text} from 'ink';
import {formatRemaining, urgency} from '../../lib/time';
import {useNowAs} from '../hooks/use-now';
import {theme} from '../theme';

const COLORS = {
  ok: theme.status.success,
  soon: theme.status.warning,
  critical: theme.status.error,
  expired: theme.status.error,
};

/**
 * A live countdown to `target` (epoch ms): green, then yellow, then red, then "expired". With
 * `precision="minutes"` it shows whole minutes while the time left is far off (green), and
 * seconds once it turns yellow. It renders only when what it shows changes.
 */
export function Countdown({
  target,
  lifetimeMs,
  precision = 'seconds',
}: {
  target: number;
  lifetimeMs?: number;
  precision?: 'seconds' | 'minutes';
}) {
  // One snapshot of what it shows (a string, so an unchanged tick renders nothing), one listener.
  const shown = useNowAs((now) => {
    const level = urgency(target, now, lifetimeMs);
    const text = formatRemaining(target, now, level === 'ok' ? precision : 'seconds');
    return `${level} ${text}`;
  });
  const cut = shown.indexOf(' ');
  const level = shown.slice(0, cut) as keyof typeof COLORS;
  return (
    <Text color={COLORS[level]} bold={level === 'expired'}>
      {shown.slice(cut + 1)}
    </Text>
  );
}
