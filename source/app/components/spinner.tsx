import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {theme} from '../theme';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({label}: {label: string}) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(t);
  }, []);
  return (
    <Text>
      <Text color={theme.status.pending}>{FRAMES[frame]}</Text> {label}
    </Text>
  );
}
