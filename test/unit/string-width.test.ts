import fc from 'fast-check';
import stringWidthFull from 'string-width';
import {describe, expect, test} from 'vitest';
import stringWidth, {ONE_COLUMN_RANGES} from '../../source/lib/string-width';

const oneColumn = ONE_COLUMN_RANGES.flatMap(([a, b]) =>
  Array.from({length: b - a + 1}, (_, i) => String.fromCodePoint(a + i)),
);

describe('string-width with the wider fast path', () => {
  test('every character of the fast path is one column for string-width too', () => {
    const wrong = oneColumn.filter((c) => stringWidthFull(c) !== 1);
    expect(wrong.map((c) => c.codePointAt(0)!.toString(16))).toEqual([]);
    expect(oneColumn.length).toBeGreaterThan(1500);
  });

  test('no two of them form one grapheme cluster, whatever their order', () => {
    const segmenter = new Intl.Segmenter();
    for (const c of oneColumn) {
      const text = oneColumn.join(c);
      expect([...segmenter.segment(text)].length, `U+${c.codePointAt(0)!.toString(16)}`).toBe(
        oneColumn.length * 2 - 1,
      );
    }
  });

  test('random strings (the fast path, emoji, marks, escapes, wide text): the same width as string-width', () => {
    const pieces = fc.oneof(
      fc.constantFrom(...oneColumn),
      fc.constantFrom(
        '😀',
        '👍🏽',
        '👨‍👩‍👧',
        '\u0301',
        '\u200d',
        '\ufe0f',
        '\u00ad',
        '語',
        'ｱ',
        '\u001b[31m',
        '\t',
        '\n',
        '⚠',
        '✅',
        '1\u20e3',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(pieces, {maxLength: 30}), fc.boolean(), (parts, ambiguousIsNarrow) => {
        const text = parts.join('');
        expect(stringWidth(text, {ambiguousIsNarrow})).toBe(
          stringWidthFull(text, {ambiguousIsNarrow}),
        );
        expect(stringWidth(text)).toBe(stringWidthFull(text));
      }),
      {numRuns: 3000},
    );
  });

  test('ambiguous characters wide on request are measured by string-width', () => {
    expect(stringWidth('—·', {ambiguousIsNarrow: false})).toBe(4);
    expect(stringWidth('—·')).toBe(2);
  });
});
