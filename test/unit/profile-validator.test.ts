import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {generateProfileValidator, OUTPUT} from '../../scripts/profile-validator.mjs';
import {ucs2length} from '../../source/profiles/validator-runtime';

describe('the profile validator compiled ahead of time', () => {
  test('the committed module is what Ajv makes of the schema today (node scripts/profile-validator.mjs)', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await generateProfileValidator());
  }, 30_000);

  test('string lengths count code points, as JSON Schema does', () => {
    expect(ucs2length('')).toBe(0);
    expect(ucs2length('abc')).toBe(3);
    expect(ucs2length('😀😀')).toBe(2);
    expect(ucs2length('a\ud800')).toBe(2); // a lone high surrogate is one character
    expect(ucs2length('\udc00\ud800\udc00')).toBe(2);
  });
});
