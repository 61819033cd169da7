import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {theme} from '../theme';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner with its label and, from the first second on, how long it has been spinning (a slow
 * call shows that it is slow, not stuck). `elapsed={false}` for a label that already says it.
 */
export function Spinner({label, elapsed = true}: {label: string; elapsed?: boolean}) {
  const [frame, setFrame] = useState(0);
  const [started] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(t);
  }, []);
  const seconds = Math.floor((Date.now() - started) / 1000);
  return (
    <Text>
      <Text color={theme.status.pending}>{FRAMES[frame]}</Text> {label}
      {elapsed && seconds >= 1 ? <Text color={theme.text.muted}> · {seconds} s</Text> : null}
    </Text>
  );
}
