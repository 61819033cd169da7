import {useWindowSize} from 'ink';

/**
 * Below this many rows the chrome shrinks so the screen keeps its place: the header drops the
 * banner (the sandbox panel, ctrl+s, still has it) and its blank line, the footer keeps one line
 * with `? help` first.
 */
export const COMPACT_ROWS = 20;

export function useCompact(): boolean {
  return useWindowSize().rows < COMPACT_ROWS;
}
