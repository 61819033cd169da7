/**
 * "Did you mean …?" for a mistyped command or option: the closest candidates by edit distance
 * (insert, delete, substitute, or swap two neighbours), as a person would misspell them.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({length: a.length + 1}, (_, i) =>
    Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidates nearest to `word` (ties all kept, sorted), or none when even the nearest is too
 * far: more than 3 edits, or fewer than 40% of the characters left in place. A leading `--` is
 * compared as part of neither word, so `--jsn` is one edit from `--json`.
 */
export function nearest(word: string, candidates: readonly string[]): string[] {
  const bare = (s: string) => s.replace(/^--?/, '');
  const target = bare(word);
  let best = Infinity;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    const other = bare(candidate);
    if (other.length <= 1) continue;
    const distance = editDistance(target, other);
    const similarity =
      (Math.max(target.length, other.length) - distance) / Math.max(target.length, other.length);
    if (distance > 3 || similarity <= 0.4) continue;
    if (distance < best) [best, found] = [distance, [candidate]];
    else if (distance === best) found.push(candidate);
  }
  return found.sort();
}

/** `\n(Did you mean X?)` for the nearest candidates, or '' when nothing is near. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const found = nearest(word, candidates);
  return found.length ? `\n(Did you mean ${found.join(', ')}?)` : '';
}
