import {describe, expect, it} from 'vitest';
import {jsoncOutput, tableOutput, tsvOutput} from '../../source/commands/formats';

// The expected texts are what Azure CLI 2.x (knack) prints for the same value with -o tsv / -o
// table (recorded with `az cloud list --query "`<value>`" -o tsv|table`); the az parity test in
// test/e2e/az-output.test.ts compares with a live az where one is installed.

describe('-o tsv, as az prints it', () => {
  it('a scalar is one bare line, a string unquoted', () => {
    expect(tsvOutput('eyJ0eXAi.x.y')).toBe('eyJ0eXAi.x.y\n');
    expect(tsvOutput(1796172655)).toBe('1796172655\n');
    expect(tsvOutput(2.5)).toBe('2.5\n');
  });

  it('a list is one row per item; a boolean alone is lower-case, null is None', () => {
    expect(tsvOutput(['AzureCloud', true, null])).toBe('AzureCloud\ntrue\nNone\n');
    expect(tsvOutput([])).toBe('');
  });

  it('an object is one row of its values in key order; nested lists count, objects are blank', () => {
    const value = {n: 'AzureCloud', l: ['a', 'b'], num: 3, f: 2.5, b: false, e: '', nested: {a: 1}};
    expect(tsvOutput(value)).toBe('AzureCloud\t2\t3\t2.5\tFalse\t\t\n');
  });

  it('a list of lists is rows of cells, booleans inside a row as Python prints them', () => {
    expect(
      tsvOutput([
        ['AzureCloud', true],
        ['AzureChinaCloud', false],
      ]),
    ).toBe('AzureCloud\tTrue\nAzureChinaCloud\tFalse\n');
  });

  it('null prints nothing', () => {
    expect(tsvOutput(null)).toBe('');
  });

  it('a control character, tab or newline in a value is shown, so it can neither drive the terminal nor split a row', () => {
    expect(tsvOutput({a: 'x\ty', b: 'line\nbreak', c: '\u001b]52;c;SGk=\u0007'})).toBe(
      'x\\x09y\tline\\x0abreak\t\\x1b]52;c;SGk=\\x07\n',
    );
  });
});

describe('-o table, as az prints it', () => {
  it('columns of the scalar fields, first letter upper-cased, nested and null values left out', () => {
    const value = {
      n: 'AzureCloud',
      l: [1, 2],
      num: 3,
      b: false,
      nested: {a: 1},
      camelCaseKey: 'AzureCloud',
      snake_key: 'AzureCloud',
      gone: null,
    };
    expect(tableOutput(value)).toBe(
      [
        'N           Num    B      CamelCaseKey    Snake_key',
        '----------  -----  -----  --------------  -----------',
        'AzureCloud  3      False  AzureCloud      AzureCloud',
        '',
      ].join('\n'),
    );
  });

  it('a list of scalars is a Result column; a list of lists Column1…N', () => {
    expect(tableOutput(['AzureCloud', 'AzureChinaCloud'])).toBe(
      'Result\n---------------\nAzureCloud\nAzureChinaCloud\n',
    );
    expect(
      tableOutput([
        ['AzureCloud', true],
        ['AzureChinaCloud', false],
      ]),
    ).toBe(
      'Column1          Column2\n---------------  ---------\nAzureCloud       True\nAzureChinaCloud  False\n',
    );
  });

  it('rows with different keys share the columns, a missing cell blank', () => {
    expect(tableOutput([{a: 1}, {b: 2}])).toBe('A    B\n---  ---\n1\n     2\n');
  });

  it('an empty list is an empty line; null nothing', () => {
    expect(tableOutput([])).toBe('\n');
    expect(tableOutput(null)).toBe('');
  });

  it('shows control characters of a name instead of sending them', () => {
    expect(tableOutput({name: 'evil\u001b[2J'})).toContain('evil\\x1b[2J');
  });
});

describe('-o jsonc', () => {
  const value = {name: 'dev "1"', n: 3, ok: true, none: null, list: ['a:b', -1.5e3]};

  it('without colour is exactly the JSON document', () => {
    expect(jsoncOutput(value, false)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('with colour is the same document once the colour is taken out, keys and values coloured', () => {
    const coloured = jsoncOutput(value, true);
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(coloured).toContain('\u001b[94m"name"\u001b[0m:');
    expect(coloured).toContain('\u001b[32m"dev \\"1\\""\u001b[0m');
    expect(coloured).toContain('\u001b[33m3\u001b[0m');
    expect(coloured).toContain('\u001b[36mtrue\u001b[0m');
    expect(coloured).toContain('\u001b[32m"a:b"\u001b[0m');
  });
});
