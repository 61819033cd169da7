/** The filter list's state: what is typed and where the highlight is. Pure, tested without Ink. */

export interface ListItem<T> {
  key: string;
  label: string;
  /** Muted text after the label (region, state…). */
  detail?: string;
  /** Text that the filter also searches. */
  keywords?: string;
  value: T;
}

export interface FilterListState {
  filter: string;
  /** Index into the visible items; clamped when they shrink. */
  cursor: number;
}

export type FilterListAction =
  | {type: 'move'; by: number}
  | {type: 'moveTo'; to: 'first' | 'last'}
  | {type: 'type'; text: string}
  | {type: 'erase'}
  | {type: 'clearFilter'};

export function initialFilterList<T>(items: ListItem<T>[], initialKey?: string): FilterListState {
  return {
    filter: '',
    cursor: Math.max(
      0,
      items.findIndex((i) => i.key === initialKey),
    ),
  };
}

/**
 * What the filter searches in an item, lower-cased: made once per item, not at every keystroke
 * (a list of 2,000 would otherwise make 2,000 strings per key, for each render and key handler).
 */
const haystacks = new WeakMap<ListItem<unknown>, string>();
function haystack(item: ListItem<unknown>): string {
  let text = haystacks.get(item);
  if (text === undefined) {
    text = `${item.label} ${item.detail ?? ''} ${item.keywords ?? ''}`.toLowerCase();
    haystacks.set(item, text);
  }
  return text;
}

export function visibleItems<T>(items: ListItem<T>[], filter: string): ListItem<T>[] {
  const f = filter.toLowerCase();
  if (!f) return items;
  return items.filter((i) => haystack(i).includes(f));
}

/** The highlighted position among `count` visible items (the cursor, clamped). */
export const highlightIndex = (state: FilterListState, count: number): number =>
  Math.min(state.cursor, Math.max(0, count - 1));

export function highlighted<T>(
  items: ListItem<T>[],
  state: FilterListState,
): ListItem<T> | undefined {
  const visible = visibleItems(items, state.filter);
  return visible[highlightIndex(state, visible.length)];
}

export function filterListReducer<T>(
  items: ListItem<T>[],
  state: FilterListState,
  action: FilterListAction,
): FilterListState {
  const count = visibleItems(items, state.filter).length;
  const at = highlightIndex(state, count);
  const clamp = (n: number) => Math.max(0, Math.min(count - 1, n));
  switch (action.type) {
    case 'move':
      return {...state, cursor: clamp(at + action.by)};
    case 'moveTo':
      return {...state, cursor: action.to === 'first' ? 0 : clamp(count - 1)};
    case 'type':
      return {filter: state.filter + action.text, cursor: 0};
    case 'erase':
      return state.filter ? {filter: state.filter.slice(0, -1), cursor: 0} : state;
    case 'clearFilter':
      return {filter: '', cursor: 0};
  }
}
