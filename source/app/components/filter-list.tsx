import {Box, Text, type Key} from 'ink';
import {useKeys} from '../hooks/use-keys';
import {type ReactNode, useEffect, useMemo, useState} from 'react';
import {matches} from '../keymap';
import {theme} from '../theme';

export interface ListItem<T> {
  key: string;
  label: string;
  /** Muted text after the label (region, state…). */
  detail?: string;
  /** Text that the filter also searches. */
  keywords?: string;
  value: T;
}

export interface FilterListProps<T> {
  items: ListItem<T>[];
  onSelect: (item: ListItem<T>) => void;
  onBack?: () => void;
  /** Keys the screen handles itself (return true when handled), e.g. ctrl+n for "create". */
  onKey?: (input: string, key: Key, highlighted: ListItem<T> | undefined) => boolean;
  onHighlight?: (item: ListItem<T> | undefined) => void;
  isActive: boolean;
  /** Shown when there are no items at all (not when the filter hides them). */
  empty?: ReactNode;
  rows?: number;
  initialKey?: string;
}

/** A list that filters as you type: Enter picks the highlighted item, Esc clears the filter or goes back. */
export function FilterList<T>({
  items,
  onSelect,
  onBack,
  onKey,
  onHighlight,
  isActive,
  empty,
  rows = 8,
  initialKey,
}: FilterListProps<T>) {
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(() =>
    Math.max(
      0,
      items.findIndex((i) => i.key === initialKey),
    ),
  );
  const visible = useMemo(() => {
    const f = filter.toLowerCase();
    return f
      ? items.filter((i) =>
          `${i.label} ${i.detail ?? ''} ${i.keywords ?? ''}`.toLowerCase().includes(f),
        )
      : items;
  }, [items, filter]);
  const index = Math.min(cursor, Math.max(0, visible.length - 1));
  const highlighted = visible[index];
  const highlightedKey = highlighted?.key;
  useEffect(() => {
    onHighlight?.(highlighted);
    // Tell the screen when the highlighted item changes (first render, moves, filtering).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [highlightedKey]);

  const move = (next: number) => setCursor(Math.max(0, Math.min(visible.length - 1, next)));

  useKeys(
    (input, key) => {
      if (onKey?.(input, key, highlighted)) return;
      if (matches('select', input, key)) {
        if (highlighted) onSelect(highlighted);
        return;
      }
      if (matches('back', input, key)) {
        if (filter) {
          setFilter('');
          setCursor(0);
        } else onBack?.();
        return;
      }
      if (key.upArrow) return move(index - 1);
      if (key.downArrow) return move(index + 1);
      if (key.pageUp) return move(index - rows);
      if (key.pageDown) return move(index + rows);
      if (key.home) return move(0);
      if (key.end) return move(visible.length - 1);
      if (key.backspace || key.delete) {
        setFilter((f) => f.slice(0, -1));
        setCursor(0);
        return;
      }
      if (key.ctrl || key.meta || key.tab || !input || input === '?') return;
      setFilter((f) => f + input);
      setCursor(0);
    },
    {isActive},
  );

  if (items.length === 0)
    return (
      <Box flexDirection="column">
        {empty ?? <Text color={theme.text.muted}>Nothing here.</Text>}
      </Box>
    );

  const start = Math.max(0, Math.min(index - Math.floor(rows / 2), visible.length - rows));
  const window = visible.slice(start, start + rows);
  return (
    <Box flexDirection="column">
      {filter ? (
        <Text>
          <Text color={theme.text.muted}>filter: </Text>
          {filter}
          <Text color={theme.text.muted}>
            {'  '}({visible.length} of {items.length})
          </Text>
        </Text>
      ) : null}
      {visible.length === 0 ? (
        <Text color={theme.text.muted}>No match for “{filter}”. Esc clears the filter.</Text>
      ) : null}
      {start > 0 ? <Text color={theme.text.muted}> ↑ {start} more</Text> : null}
      {window.map((item) => {
        const selected = item === highlighted;
        return (
          <Text key={item.key} wrap="truncate-end">
            <Text color={selected ? theme.focus.selected : undefined} bold={selected}>
              {selected ? '› ' : '  '}
              {item.label}
            </Text>
            {item.detail ? <Text color={theme.text.muted}> {item.detail}</Text> : null}
          </Text>
        );
      })}
      {start + rows < visible.length ? (
        <Text color={theme.text.muted}> ↓ {visible.length - start - rows} more</Text>
      ) : null}
    </Box>
  );
}
