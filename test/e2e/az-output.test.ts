import {execFile, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {sortKeysDeep, tableOutput, tsvOutput} from '../../source/commands/formats';
import {cleanEnv} from '../helpers/cli-env';

// -o tsv and -o table laid out exactly as a live Azure CLI lays out the same value: az is given
// the value as a JMESPath literal (`az cloud list --query '`…`'`, offline) and its stdout is the
// expected text. Skipped where az is not installed (.ci/run installs it).

function findAz(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v az'], {encoding: 'utf8'}).trim() || undefined;
  } catch {
    return undefined;
  }
}
const az = findAz();
const configDir = mkdtempSync(join(tmpdir(), 'aml-auth-az-output-'));
afterAll(() => rmSync(configDir, {recursive: true, force: true}));

function azPrints(value: unknown, format: 'tsv' | 'table'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      az!,
      ['cloud', 'list', '--query', `\`${JSON.stringify(value)}\``, '-o', format],
      {
        env: {
          ...cleanEnv(),
          AZURE_CONFIG_DIR: configDir,
          AZURE_CORE_COLLECT_TELEMETRY: 'false',
          AZURE_CORE_NO_COLOR: 'true',
        },
        encoding: 'utf8',
      },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const VALUES: unknown[] = [
  // what `creds --query '{…}'` selects, and a list of rows as `profiles list --query` does
  {accessToken: 'eyJ0.eyJ1.c2ln', expiryTimeUtc: 1796172655, tokenType: 'Bearer', ok: true},
  [
    {name: 'dev', endpoint: 'churn-scorer', authMode: 'key', lastUsed: null, tags: {a: 'b'}},
    {name: 'fraud', endpoint: 'fraud-aad', authMode: 'aad_token', extra: [1, 2], n: 2.5},
  ],
  ['a', 'b', false, 7],
  {zeta: 1, alpha: {nested: true}, mid: 'x'},
  [
    ['x', true],
    ['y', false],
  ],
];

describe.skipIf(!az)('tsv and table as Azure CLI prints them', () => {
  it('match az for the same values', async () => {
    for (const value of VALUES) {
      const [tsv, table] = await Promise.all([azPrints(value, 'tsv'), azPrints(value, 'table')]);
      // az reads the literal as a plain object, as it holds a command's own result: its tsv
      // sorts the keys (Runtime.emit sorts a result's keys for tsv before the query runs), and
      // under a --query its table keeps them in order.
      expect(tsvOutput(sortKeysDeep(value))).toBe(tsv);
      expect(tableOutput(value)).toBe(table);
    }
  }, 120_000);
});
