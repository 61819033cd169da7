import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {theme} from '../theme';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner with its label and, from the first second on, how long it has been spinning (a slow
 * call shows that it is slow, not stuck). `elapsed={false}` for a label that already says it.
 */
export function Spinner({label, elapsed = true}: {label: string; elapsed?: boolean}) {
  const [tick, setTick] = useState({frame: 0, seconds: 0});
  useEffect(() => {
    const started = Date.now();
    const t = setInterval(
      () =>
        setTick((s) => ({
          frame: (s.frame + 1) % FRAMES.length,
          seconds: Math.floor((Date.now() - started) / 1000),
        })),
      100,
    );
    return () => clearInterval(t);
  }, []);
  return (
    <Text>
      <Text color={theme.status.pending}>{FRAMES[tick.frame]}</Text> {label}
      {elapsed && tick.seconds >= 1 ? (
        <Text color={theme.text.muted}> · {tick.seconds} s</Text>
      ) : null}
    </Text>
  );
}
