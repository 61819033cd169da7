/**
 * Azure CLI's output formats for a command's result value: `json`, `jsonc` (coloured JSON), `tsv`
 * and `table` laid out as az (knack) lays them out, `yaml`, and `none`. Pure: the caller prints.
 *
 * az's rules, as `az … -o tsv|table` prints them (and the tests hold):
 * - tsv: a list is one row per item, anything else one row. A row of an object is its values in
 *   key order, of a list its items, tab-separated. Inside a row a nested list prints its length, a
 *   nested object nothing, null `None`, a boolean `True`/`False`; a boolean on its own row is
 *   `true`/`false`. Strings are printed bare (no quotes).
 * - table: one row per item of a list (an object or scalar is one row); columns are the keys with a
 *   scalar, non-null value, first letter upper-cased, in first-seen order; a list item gives
 *   Column1…N and a scalar a `Result` column. Each column is as wide as its widest cell, and at
 *   least its header plus two; a dashed rule under the header; two spaces between columns.
 * - key order: tsv lays out a command's own objects with their keys sorted (az sorts a result's
 *   keys), and an object a `--query` multiselect built (`{a: x, b: y}`) in the expression's order;
 *   table sorts the columns only without a `--query`. Runtime.emit sorts (sortKeysDeep) before the
 *   query runs, so both hold.
 * - a result of null prints nothing at all, in every format.
 * Strings from outside (names, messages) are shown with their control characters made visible
 * (`\x1b`, and in tsv also tab and newline, so a value can never split a row).
 */
import {visible} from '../lib/visible';
import {jsonDocument} from './output';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value with every object's keys in sorted order (code-unit order, as Python sorts them). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key]);
  return out;
}

/** Python's str() of a scalar, as az prints it. */
function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return visible(value);
  return String(value);
}

function tsvCell(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  if (isObject(value)) return '';
  return pyStr(value);
}

function tsvRow(value: unknown): string {
  if (isObject(value)) return Object.values(value).map(tsvCell).join('\t');
  if (Array.isArray(value)) return value.map(tsvCell).join('\t');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return tsvCell(value);
}

/** `-o tsv`: tab-separated values, one row per list item, nothing quoted. */
export function tsvOutput(value: unknown): string {
  if (value === null || value === undefined) return '';
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => `${tsvRow(item)}\n`).join('');
}

const capitalise = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);
const isScalar = (v: unknown): boolean => v !== null && v !== undefined && typeof v !== 'object';

function tableEntry(item: unknown): Map<string, string> {
  const entry = new Map<string, string>();
  if (isObject(item)) {
    for (const [key, v] of Object.entries(item))
      if (isScalar(v)) entry.set(capitalise(key), pyStr(v));
  } else if (Array.isArray(item)) {
    item.forEach((v, i) => entry.set(`Column${i + 1}`, isScalar(v) ? pyStr(v) : ''));
  } else if (isScalar(item)) {
    entry.set('Result', pyStr(item));
  }
  return entry;
}

/** `-o table`: az's columns for a list of objects (nested values left out). */
export function tableOutput(value: unknown): string {
  if (value === null || value === undefined) return '';
  const entries = (Array.isArray(value) ? value : [value]).map(tableEntry);
  const headers: string[] = [];
  for (const entry of entries)
    for (const key of entry.keys()) if (!headers.includes(key)) headers.push(key);
  if (headers.length === 0) return '\n';
  const widths = headers.map((h) =>
    Math.max(h.length + 2, ...entries.map((e) => (e.get(h) ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...entries.map((e) => line(headers.map((h) => e.get(h) ?? ''))),
  ].join('\n')}\n`;
}

const sgr = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;

/**
 * `-o jsonc`: the JSON document with keys, strings and literals coloured (on a terminal that
 * wants colour; else the plain document). The document's strings are JSON-escaped, so no control
 * character of a value reaches the terminal either way.
 */
export function jsoncOutput(value: unknown, colour: boolean): string {
  const doc = jsonDocument(value);
  if (!colour) return doc;
  return doc.replace(
    /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (match, str: string | undefined, colon: string | undefined, literal, num) => {
      if (str !== undefined) return colon ? `${sgr('94', str)}${colon}` : sgr('32', str);
      if (literal !== undefined) return sgr('36', match);
      if (num !== undefined) return sgr('33', match);
      return match;
    },
  );
}
