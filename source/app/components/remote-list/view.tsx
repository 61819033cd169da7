import {Box, Text, type Key} from 'ink';
import {type ReactNode, useMemo} from 'react';
import {useKeys} from '../../hooks/use-keys';
import {type BindingId, bindingFor, matches} from '../../keymap';
import {ErrorPanel} from '../error-panel';
import {FilterList, type ListItem} from '../filter-list';
import {Footer} from '../footer';
import {Spinner} from '../spinner';
import type {RemoteListModel} from './use-remote-list';

export interface RemoteListProps<T, V> {
  title: string;
  loadingLabel: string;
  list: RemoteListModel<V>;
  toItems: (values: readonly V[]) => ListItem<T>[];
  onSelect: (item: ListItem<T>) => void;
  onBack: () => void;
  isActive: boolean;
  empty: ReactNode;
  /** Extra keys for this screen (listed in the footer too). */
  extraKeys?: BindingId[];
  onKey?: (input: string, key: Key, highlighted: ListItem<T> | undefined) => boolean;
  onHighlight?: (item: ListItem<T> | undefined) => void;
  below?: ReactNode;
  initialKey?: string;
}

/** A list loaded from Azure: spinner while loading, the error panel on failure, reload with ctrl+r. */
export function RemoteList<T, V>(props: RemoteListProps<T, V>) {
  const {list, isActive} = props;
  const state = list.state;
  // The items change only when the values do (a page, a reload): not sorted again on every key.
  const values = state.mode === 'ready' ? state.values : undefined;
  const {toItems} = props;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- toItems is a pure function of values
  const items = useMemo(() => (values ? toItems(values) : []), [values]);
  // While loading or after a failure: reload or go back (the list takes the keys once ready).
  useKeys(
    (input, key) => {
      const b = bindingFor(['reload', 'back'], input, key);
      if (b === 'reload') list.reload();
      else if (b === 'back') props.onBack();
    },
    {isActive: isActive && state.mode !== 'ready'},
  );
  return (
    <Box flexDirection="column">
      <Text bold>{props.title}</Text>
      {state.mode === 'loading' ? <Spinner label={props.loadingLabel} /> : null}
      {state.mode === 'error' ? <ErrorPanel error={state.error} /> : null}
      {state.mode === 'ready' ? (
        <FilterList
          items={items}
          onSelect={props.onSelect}
          onBack={props.onBack}
          onKey={(input, key, highlighted) => {
            if (matches('reload', input, key)) {
              list.reload();
              return true;
            }
            return props.onKey?.(input, key, highlighted) ?? false;
          }}
          onHighlight={props.onHighlight}
          isActive={isActive}
          empty={props.empty}
          initialKey={props.initialKey}
        />
      ) : null}
      {state.mode === 'ready' && state.more ? (
        <Spinner
          label={`${props.loadingLabel.replace(/…$/, '')}: ${state.values.length} so far…`}
        />
      ) : null}
      {props.below}
      <Footer
        keys={
          state.mode === 'ready'
            ? [...(props.extraKeys ?? []), 'select', 'move', 'filter', 'reload', 'back']
            : ['reload', 'back']
        }
      />
    </Box>
  );
}
