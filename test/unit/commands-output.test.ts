import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {
  colourEnabled,
  envLines,
  isOutputFormat,
  jsonDocument,
  makeStyle,
  rows,
  shellQuote,
  table,
  timePair,
} from '../../source/commands/output';

/** What bash makes of `eval "$lines"; printf %s "$NAME"` — the real shell, not a model of it. */
function evalInBash(lines: string, name: string): string {
  return execFileSync(
    'bash',
    ['--norc', '--noprofile', '-c', `eval "$LINES"; printf %s "\${${name}}"`],
    {
      env: {PATH: process.env.PATH, LINES: lines},
      encoding: 'utf8',
    },
  );
}

const NASTY = [
  "it's",
  "''",
  '$HOME `id` $(id) ${X}',
  'back\\slash\\',
  'new\nline',
  '!event !! history',
  '"double" quotes',
  ' leading and trailing ',
  'glob * ? [a]',
  'semi; rm -rf /tmp/never &',
  'ünïcødé ✓',
  'a+b/c=d==',
];

describe('shellQuote / envLines', () => {
  it('quotes with single quotes and escapes embedded quotes', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it.each(NASTY)('round-trips %j through bash eval exactly', (value) => {
    const lines = envLines({DATA_PLANE_TOKEN: value});
    expect(lines.startsWith('export DATA_PLANE_TOKEN=')).toBe(true);
    expect(evalInBash(lines, 'DATA_PLANE_TOKEN')).toBe(value);
  });

  it('exports several variables, one line each, and leaves out null and undefined', () => {
    const lines = envLines({
      SCORING_URI: 'https://h/score?a=1&b=2',
      DATA_PLANE_TOKEN: 'k',
      N: 42,
      B: false,
      GONE: null,
      ALSO_GONE: undefined,
    });
    expect(lines).toBe(
      "export SCORING_URI='https://h/score?a=1&b=2'\nexport DATA_PLANE_TOKEN='k'\nexport N='42'\nexport B='false'\n",
    );
    expect(evalInBash(lines, 'SCORING_URI')).toBe('https://h/score?a=1&b=2');
    expect(evalInBash(lines, 'GONE')).toBe('');
  });

  it('refuses names a shell would not accept and NUL characters', () => {
    expect(() => envLines({'BAD-NAME': 'x'})).toThrow(/not a valid environment variable name/);
    expect(() => envLines({'1X': 'x'})).toThrow();
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('timePair', () => {
  it('gives ISO-8601 and epoch seconds under the name', () => {
    expect(timePair('expiresOn', Date.UTC(2030, 0, 2, 3, 4, 5, 678))).toEqual({
      expiresOn: '2030-01-02T03:04:05.678Z',
      expiresOnEpoch: Math.floor(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000),
    });
  });

  it('is null for an unknown time, so the JSON shape stays the same', () => {
    expect(timePair('refreshAfter', undefined)).toEqual({
      refreshAfter: null,
      refreshAfterEpoch: null,
    });
    expect(timePair('x', NaN)).toEqual({x: null, xEpoch: null});
  });
});

describe('colour', () => {
  it('is off for a pipe, with NO_COLOR, and on a dumb terminal', () => {
    expect(colourEnabled({isTTY: false}, {})).toBe(false);
    expect(colourEnabled({isTTY: true}, {NO_COLOR: '1'})).toBe(false);
    expect(colourEnabled({isTTY: true}, {TERM: 'dumb'})).toBe(false);
  });

  it('is on for a terminal, and NO_COLOR="" does not count (no-color.org)', () => {
    expect(colourEnabled({isTTY: true}, {})).toBe(true);
    expect(colourEnabled({isTTY: true}, {NO_COLOR: ''})).toBe(true);
    expect(colourEnabled({isTTY: false}, {FORCE_COLOR: '1'})).toBe(true);
    expect(colourEnabled({isTTY: true}, {FORCE_COLOR: '1', NO_COLOR: '1'})).toBe(false);
  });

  it('the plain style adds no escape codes; the colour style does', () => {
    const plain = makeStyle(false);
    for (const f of [plain.ok, plain.bad, plain.warn, plain.dim, plain.bold]) {
      expect(f('x')).toBe('x');
    }
    expect(makeStyle(true).ok('x')).toContain('\u001b[');
  });
});

describe('layout helpers', () => {
  it('jsonDocument is indented JSON with one trailing newline', () => {
    expect(jsonDocument({a: 1})).toBe('{\n  "a": 1\n}\n');
  });

  it('rows align the values', () => {
    expect(
      rows([
        ['a', '1'],
        ['long', '2'],
      ]),
    ).toBe('  a     1\n  long  2');
  });

  it('table pads every column but the last', () => {
    expect(table(['NAME', 'X'], [['dev', 'yes']])).toBe('NAME  X\ndev   yes');
  });

  it('knows its formats', () => {
    for (const f of ['text', 'json', 'jsonc', 'tsv', 'table', 'yaml', 'none', 'env'])
      expect(isOutputFormat(f)).toBe(true);
    expect(isOutputFormat('xml')).toBe(false);
    expect(isOutputFormat('JSON')).toBe(false);
  });
});
