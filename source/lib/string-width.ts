/**
 * string-width with a wider fast path. Ink measures every text it lays out, and writes every cell
 * of a frame, through string-width; that package answers plain ASCII at once but sends any other
 * character through Intl.Segmenter and Unicode-property regular expressions (emoji sequences),
 * whose first use alone costs milliseconds — and a screen's `›`, `—`, `·`, `↑↓` and box lines are
 * not ASCII. The characters below are each one column wide on their own (string-width says so,
 * with ambiguous-width characters narrow, its default) and never join a neighbour into one
 * grapheme cluster (no combining marks, joiners or variation selectors among them), so a string of
 * only them is as wide as it is long. Anything else goes to string-width itself. The build
 * (scripts/esbuild-plugins.mjs) points every `string-width` import at this module;
 * test/unit/string-width.test.ts checks each character and random strings against string-width.
 */
import stringWidthFull from 'string-width';
import stripAnsi from 'strip-ansi';

/** [first, last] code points, inclusive; the characters string-width makes other than 1 left out. */
export const ONE_COLUMN_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], // ASCII printable
  [0xa0, 0xac], // Latin-1 (U+00AD, the soft hyphen, is zero width)
  [0xae, 0xff],
  [0x2010, 0x2027], // General Punctuation: dashes, quotes, bullets, ellipsis
  [0x2030, 0x205e],
  [0x2190, 0x21ff], // Arrows
  [0x2200, 0x22ff], // Mathematical Operators
  [0x2300, 0x2319], // Miscellaneous Technical, without the emoji (⌚⌛⏩–⏬⏰⏳) and the wide 〈〉
  [0x231c, 0x2328],
  [0x232b, 0x23e8],
  [0x23ed, 0x23ef],
  [0x23f1, 0x23f2],
  [0x23f4, 0x23ff],
  [0x2500, 0x25fc], // Box Drawing, Block Elements, Geometric Shapes, without ◽◾
  [0x25ff, 0x25ff],
  [0x2700, 0x2704], // Dingbats (✓ ✗ …), without the emoji among them
  [0x2706, 0x2709],
  [0x270c, 0x2727],
  [0x2729, 0x274b],
  [0x274d, 0x274d],
  [0x274f, 0x2752],
  [0x2756, 0x2756],
  [0x2758, 0x2794],
  [0x2798, 0x27af],
  [0x27b1, 0x27be],
  [0x2800, 0x28ff], // Braille Patterns (spinners)
];

const hex = (n: number) => `\\u${n.toString(16).padStart(4, '0')}`;
const ONE_COLUMN = new RegExp(
  `^[${ONE_COLUMN_RANGES.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('')}]*$`,
);

type Options = Parameters<typeof stringWidthFull>[1];

export default function stringWidth(input: string, options?: Options): number {
  if (typeof input !== 'string' || options?.ambiguousIsNarrow === false)
    return stringWidthFull(input, options);
  let text = input;
  // What string-width does first: colours and other escapes take no columns.
  if (!options?.countAnsiEscapeCodes && (text.includes('\u001b') || text.includes('\u009b')))
    text = stripAnsi(text);
  if (ONE_COLUMN.test(text)) return text.length;
  return stringWidthFull(text, {...options, countAnsiEscapeCodes: true});
}
