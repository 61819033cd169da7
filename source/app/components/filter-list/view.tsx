import {Box, Text, useWindowSize, type Key} from 'ink';
import {type ReactNode, useEffect, useLayoutEffect, useRef} from 'react';
import {useStore} from '../../hooks/use-store';
import {visible as outside} from '../../../lib/visible';
import {theme} from '../../theme';
import {useFilterListKeys} from './keys';
import {
  filterListReducer,
  highlighted as highlightedOf,
  highlightIndex,
  initialFilterList,
  type FilterListAction,
  type FilterListState,
  type ListItem,
  visibleItems,
} from './state';

/** The lines around a list on a short terminal: header, title, filter line, footer (two lines). */
const RESERVED_ROWS = 9;

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
  rows: wantedRows = 8,
  initialKey,
}: FilterListProps<T>) {
  // On a short terminal the list shows fewer rows, so the highlighted one stays on screen beside
  // the header, the screen's title and the footer of keys.
  const {rows: terminalRows} = useWindowSize();
  const rows = Math.max(1, Math.min(wantedRows, terminalRows - RESERVED_ROWS));
  const [state, dispatch, get] = useStore<FilterListState, FilterListAction>(
    (s, a) => filterListReducer(items, s, a),
    () => initialFilterList(items, initialKey),
  );
  // The items of this render, for keys that act on the highlighted one before the next frame.
  const itemsRef = useRef(items);
  useLayoutEffect(() => {
    itemsRef.current = items;
  });
  const current = () => highlightedOf(itemsRef.current, get());

  useFilterListKeys({
    isActive,
    rows,
    dispatch,
    get,
    onBack,
    onSelect: () => {
      const item = current();
      if (item) onSelect(item);
    },
    onKey: onKey && ((input, key) => onKey(input, key, current())),
  });

  const visible = visibleItems(items, state.filter);
  const index = highlightIndex(state, visible.length);
  const highlighted = visible[index];
  // Tell the screen when the highlighted item changes (first render, moves, filtering).
  const onHighlightRef = useRef(onHighlight);
  useLayoutEffect(() => {
    onHighlightRef.current = onHighlight;
  });
  const highlightedKey = highlighted?.key;
  useEffect(() => {
    onHighlightRef.current?.(itemsRef.current.find((i) => i.key === highlightedKey));
  }, [highlightedKey]);

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
      {state.filter ? (
        <Text>
          <Text color={theme.text.muted}>filter: </Text>
          {state.filter}
          <Text color={theme.text.muted}>
            {'  '}({visible.length} of {items.length})
          </Text>
        </Text>
      ) : null}
      {visible.length === 0 ? (
        <Text color={theme.text.muted}>No match for “{state.filter}”. Esc clears the filter.</Text>
      ) : null}
      {start > 0 ? <Text color={theme.text.muted}> ↑ {start} more</Text> : null}
      {window.map((item) => {
        const selected = item === highlighted;
        return (
          <Text key={item.key} wrap="truncate-end">
            <Text color={selected ? theme.focus.selected : undefined} bold={selected}>
              {selected ? '› ' : '  '}
              {outside(item.label)}
            </Text>
            {item.detail ? <Text color={theme.text.muted}> {outside(item.detail)}</Text> : null}
          </Text>
        );
      })}
      {start + rows < visible.length ? (
        <Text color={theme.text.muted}> ↓ {visible.length - start - rows} more</Text>
      ) : null}
    </Box>
  );
}
