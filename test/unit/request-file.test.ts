import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {parseMaxBodySize} from '../../source/commands/invoke';
import {CliError} from '../../source/commands/exit-codes';
import {nestingTooDeep} from '../../source/lib/json';
import {
  formatSize,
  MAX_PAYLOAD_BYTES,
  parseSize,
  readRequestFile,
  validateRequestText,
} from '../../source/lib/request-file';

const dir = mkdtempSync(join(tmpdir(), 'aml-auth-request-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('request files', () => {
  it('accepts a UTF-8 BOM and sends the body without it', async () => {
    const path = join(dir, 'bom.json');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]));
    const r = await readRequestFile(path);
    expect(r).toMatchObject({ok: true, body: '{"a": 1}', bytes: 8});
    expect(validateRequestText('\ufeff[1]', 'stdin')).toMatchObject({ok: true, body: '[1]'});
  });

  it('100 000 levels of nesting: "nested too deeply", from a file and as text (stdin)', async () => {
    const text = deep(100_000);
    const path = join(dir, 'deep.json');
    writeFileSync(path, text);
    const fromFile = await readRequestFile(path);
    expect(fromFile).toMatchObject({
      ok: false,
      problem: expect.stringContaining('nested too deeply'),
    });
    if (!fromFile.ok) expect(fromFile.hint).not.toMatch(/permission/);
    const fromText = validateRequestText(`{"x": ${text}}`, 'the request on stdin');
    expect(fromText).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /^the request on stdin is nested too deeply: more than 1000 levels/,
      ),
    });
    // 1000 levels are still a request; brackets inside strings do not count.
    expect(validateRequestText(deep(1000), 'ok').ok).toBe(true);
    expect(nestingTooDeep(`["${'['.repeat(5000)}"]`)).toBeUndefined();
  });

  it('a body over the limit is refused with the limit and the flag that overrides it', async () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, `{"x": "${'a'.repeat(2 * 1024 * 1024)}"}`);
    const refused = await readRequestFile(path);
    expect(refused).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/is 2 MB, over the 1\.5 MB limit/),
      hint: expect.stringContaining('--max-body-size'),
    });
    expect((await readRequestFile(path, {maxBytes: 3 * 1024 * 1024})).ok).toBe(true);
    expect(MAX_PAYLOAD_BYTES).toBe(1.5 * 1024 * 1024);
  });

  it('--max-body-size takes bytes or a size with a unit; anything else is a usage error', () => {
    expect(parseSize('2048')).toBe(2048);
    expect(parseSize('4MB')).toBe(4 * 1024 * 1024);
    expect(parseSize('1.5 mb')).toBe(MAX_PAYLOAD_BYTES);
    expect(parseSize('500KiB')).toBe(500 * 1024);
    expect(parseSize('0')).toBeUndefined();
    expect(parseSize('lots')).toBeUndefined();
    expect(formatSize(MAX_PAYLOAD_BYTES)).toBe('1.5 MB');
    expect(parseMaxBodySize(undefined)).toBe(MAX_PAYLOAD_BYTES);
    expect(() => parseMaxBodySize('-1')).toThrow(CliError);
    try {
      parseMaxBodySize('big');
    } catch (err) {
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).hint).toMatch(/4MB/);
    }
  });
});
