import {describe, expect, it} from 'vitest';
import {toAppError} from '../../source/azure/errors';
import {inspectReport, inspectText} from '../../source/commands/token';
import {bodyText, includeHeader} from '../../source/commands/invoke';
import {cliErrorFromApp, formatFailure} from '../../source/commands/failure';
import {jsonDocument, makeStyle, table} from '../../source/commands/output';
import {identityFromClaims} from '../../source/domain/token';
import type {CloudConfig, InvokeResult} from '../../source/domain/types';
import {hasControls, visible, visibleText} from '../../source/lib/visible';

const ESC = '\u001b';
/** OSC 52: put base64("rm -rf ~") on the clipboard, then CR + erase-line to hide the identity. */
const OSC52 = `${ESC}]52;c;${Buffer.from('rm -rf ~').toString('base64')}\u0007\r${ESC}[2K`;
// Every character a terminal acts on: C0 (but LF/TAB in multi-line text), DEL, C1.
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function craftedJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({alg: 'RS256', typ: 'JWT', kid: `k${ESC}[31m`})}.${part(claims)}.c2ln`;
}

const cloud = {
  name: 'AzureCloud',
  managementScope: 'https://management.azure.com/.default',
  mlScope: 'https://ml.azure.com/.default',
} as CloudConfig;

describe('visible(): outside text cannot drive the terminal', () => {
  it('shows ESC, BEL, CR, C1 and DEL as escapes and leaves printable text alone', () => {
    expect(visible(`a${ESC}[31mb`)).toBe('a\\x1b[31mb');
    expect(visible('x\u0007y\rz\u007f\u009b')).toBe('x\\x07y\\x0dz\\x7f\\u009b');
    expect(visible('line\nnext\ttab')).toBe('line\\x0anext\\x09tab');
    expect(visible('Zoë — 東京 ✓')).toBe('Zoë — 東京 ✓');
    expect(visibleText('one\r\ntwo\n\tthree\rover')).toBe('one\r\ntwo\n\tthree\\x0dover');
    expect(hasControls('plain\ntext')).toBe(false);
    expect(hasControls(OSC52)).toBe(true);
    for (let c = 0; c < 0xa0; c++) {
      expect(ACTIVE.test(visible(String.fromCharCode(c)))).toBe(false);
      expect(ACTIVE.test(visibleText(String.fromCharCode(c)))).toBe(false);
    }
  });
});

describe('token inspect text with a crafted upn (OSC 52)', () => {
  const token = craftedJwt({
    aud: 'https://management.azure.com',
    upn: `eve@contoso.com${OSC52}`,
    oid: '00000000-0000-0000-0000-000000000001',
    tid: `t${ESC}[8m`,
    scp: 'user_impersonation',
    exp: 4_000_000_000,
  });
  it('prints the claim with the sequence made visible, and no raw control character', () => {
    const text = inspectText(inspectReport(token, cloud, undefined, 0), 0, makeStyle(false));
    expect(text).not.toMatch(ACTIVE);
    expect(text).toContain('user eve@contoso.com\\x1b]52;c;');
    expect(text).toContain('key k\\x1b[31m');
    expect(text).toContain('\\x07\\x0d\\x1b[2K');
  });
  it('the identity shown anywhere (header, sign-in) is neutralised at its source', () => {
    const who = identityFromClaims({upn: `a${OSC52}`, oid: 'o', tid: 't'});
    expect(who.name).not.toMatch(ACTIVE);
    expect(who.name.startsWith('a\\x1b]52;c;')).toBe(true);
  });
  it('the JSON document escapes DEL and C1 as well as C0 (same JSON value)', () => {
    const doc = jsonDocument({upn: `x${OSC52}\u009b1m\u007f`});
    expect(doc).not.toMatch(ACTIVE);
    expect((JSON.parse(doc) as {upn: string}).upn).toBe(`x${OSC52}\u009b1m\u007f`);
  });
});

describe('server words in errors and bodies', () => {
  it('an ARM error message with ANSI codes is shown visibly in the AppError and the one-line failure', () => {
    const err = Object.assign(new Error(`Bad ${ESC}[31mred${ESC}[0m${ESC}]52;c;ZWNobw==\u0007`), {
      name: 'RestError',
      statusCode: 400,
      code: `Bad${ESC}[1m`,
    });
    const app = toAppError(err, {operation: 'create endpoint ep1'});
    for (const text of [app.title, app.detail, app.hint ?? '', app.code ?? '', ...app.nextSteps])
      expect(text).not.toMatch(ACTIVE);
    expect(app.detail).toContain('Bad \\x1b[31mred\\x1b[0m');
    const printed = formatFailure(cliErrorFromApp(app));
    expect(printed).not.toMatch(ACTIVE);
    expect(printed).toContain('\\x1b[31mred');
  });
  it('a CliError that quotes a name from a service prints it visibly', () => {
    const printed = formatFailure(
      cliErrorFromApp({kind: 'notFound', title: `no ${ESC}[2Jx`, detail: '', nextSteps: []}),
    );
    expect(printed).toBe('aml-auth: no \\x1b[2Jx\n');
  });
  it('invoke prints a body with escape codes visibly, keeping its lines; headers too', () => {
    const body = `oops ${ESC}[2J\n${ESC}]52;c;eA==\u0007done`;
    for (const pretty of [true, false]) {
      const out = bodyText(body, pretty);
      expect(out).not.toMatch(ACTIVE);
      expect(out).toBe('oops \\x1b[2J\n\\x1b]52;c;eA==\\x07done\n');
    }
    const json = bodyText(JSON.stringify({msg: `a\u009bb`}), true);
    expect(json).not.toMatch(ACTIVE);
    const head = includeHeader({
      status: 500,
      latencyMs: 1,
      body: '',
      headers: {},
      modelError: {reason: `r${ESC}[5m`},
    } as unknown as InvokeResult);
    expect(head).not.toMatch(ACTIVE);
  });
  it('tables (names from Azure) show control characters visibly', () => {
    expect(table(['NAME'], [[`ep${ESC}[8m`]])).toBe('NAME\nep\\x1b[8m');
  });
});
