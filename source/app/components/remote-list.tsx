import {Box, Text, type Key} from 'ink';
import {useKeys} from '../hooks/use-keys';
import {type ReactNode, useEffect} from 'react';
import type {AppError} from '../../domain/types';
import {type TaskState} from '../hooks/use-task';
import {type BindingId, matches} from '../keymap';
import {ErrorPanel} from './error-panel';
import {FilterList, type ListItem} from './filter-list';
import {Footer} from './footer';
import {Spinner} from './spinner';

export interface RemoteListProps<T, V> {
  title: string;
  loadingLabel: string;
  task: {state: TaskState<V[]>; run: () => Promise<V[] | undefined>};
  toItems: (values: V[]) => ListItem<T>[];
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
  const {task, isActive} = props;
  const {run} = task;
  useEffect(() => {
    void run();
  }, [run]);
  const state = task.state;
  useKeys(
    (input, key) => {
      if (matches('reload', input, key)) void run();
      else if (key.escape) props.onBack();
    },
    {isActive: isActive && state.status !== 'done'},
  );
  return (
    <Box flexDirection="column">
      <Text bold>{props.title}</Text>
      {state.status === 'running' || state.status === 'idle' ? (
        <Spinner label={props.loadingLabel} />
      ) : null}
      {state.status === 'error' ? <ErrorPanel error={state.error as AppError} /> : null}
      {state.status === 'done' ? (
        <FilterList
          items={props.toItems(state.value)}
          onSelect={props.onSelect}
          onBack={props.onBack}
          onKey={(input, key, highlighted) => {
            if (matches('reload', input, key)) {
              void run();
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
      {props.below}
      <Footer
        keys={
          state.status === 'done'
            ? [...(props.extraKeys ?? []), 'select', 'move', 'filter', 'reload', 'back']
            : ['reload', 'back']
        }
      />
    </Box>
  );
}
