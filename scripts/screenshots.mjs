// Renders the wizard's main screens from the real app, in a pseudo-terminal against the sandbox,
// into SVG images under assets/screenshots/. Run: npm run build && npm run screenshots
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';

const COLS = 88;
const ROWS = 26;
const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const OUT = new URL('../assets/screenshots/', import.meta.url).pathname;
const PALETTE = [
  '#1e1e1e',
  '#f44747',
  '#6a9955',
  '#d7ba7d',
  '#569cd6',
  '#c586c0',
  '#4ec9b0',
  '#d4d4d4',
  '#808080',
  '#f44747',
  '#b5cea8',
  '#dcdcaa',
  '#9cdcfe',
  '#d670d6',
  '#4ec9b0',
  '#ffffff',
];

function xterm256(n) {
  if (n < 16) return PALETTE[n];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const c = (x) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

const escapeXml = (s) => s.replace(/[&<>]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'})[c]);

function toSvg(term, title) {
  const cw = 8.4;
  const lh = 18;
  const pad = 14;
  const top = 30;
  const width = Math.ceil(COLS * cw + pad * 2);
  const height = ROWS * lh + top + pad;
  const buf = term.buffer.active;
  const rows = [];
  for (let y = 0; y < ROWS; y++) {
    const line = buf.getLine(buf.viewportY + y);
    if (!line) continue;
    let runs = '';
    let x = 0;
    while (x < COLS) {
      const cell = line.getCell(x);
      if (!cell) break;
      const style = {
        fg: cell.isFgDefault()
          ? '#d4d4d4'
          : cell.isFgRGB()
            ? `#${cell.getFgColor().toString(16).padStart(6, '0')}`
            : xterm256(cell.getFgColor()),
        bold: cell.isBold() !== 0,
        dim: cell.isDim() !== 0,
        inverse: cell.isInverse() !== 0,
      };
      let text = '';
      const start = x;
      while (x < COLS) {
        const c = line.getCell(x);
        if (!c) break;
        const same =
          (c.isFgDefault()
            ? '#d4d4d4'
            : c.isFgRGB()
              ? `#${c.getFgColor().toString(16).padStart(6, '0')}`
              : xterm256(c.getFgColor())) === style.fg &&
          (c.isBold() !== 0) === style.bold &&
          (c.isInverse() !== 0) === style.inverse;
        if (!same) break;
        text += c.getChars() || ' ';
        x += Math.max(1, c.getWidth());
      }
      if (style.inverse)
        runs += `<rect x="${pad + start * cw}" y="${top + y * lh + 3}" width="${text.length * cw}" height="${lh}" fill="${style.fg}"/>`;
      if (text.trim()) {
        runs += `<text x="${pad + start * cw}" y="${top + (y + 1) * lh}" fill="${style.inverse ? '#1e1e1e' : style.fg}"${style.bold ? ' font-weight="bold"' : ''}${style.dim ? ' opacity="0.6"' : ''} xml:space="preserve">${escapeXml(text)}</text>`;
      }
    }
    rows.push(runs);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">
<rect width="100%" height="100%" rx="8" fill="#1e1e1e"/>
<circle cx="18" cy="15" r="5" fill="#ff5f56"/><circle cx="36" cy="15" r="5" fill="#ffbd2e"/><circle cx="54" cy="15" r="5" fill="#27c93f"/>
<text x="${width / 2}" y="19" fill="#808080" font-size="12" text-anchor="middle">${escapeXml(title)}</text>
${rows.join('\n')}
</svg>
`;
}

/** A POST to the sandbox, trusting its CA only; resolves with the status and the body. */
function post(descriptor, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {method: 'POST', headers, ca: readFileSync(descriptor.caCertFile, 'utf8')},
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({status: res.statusCode, text}));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** scoring-client scores fraud-aad with a management token: the 401 the traffic log explains. */
async function wrongAudienceCall(descriptor) {
  const sp = descriptor.principals.find((p) => p.name === 'scoring-client');
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sp.clientId,
    client_secret: sp.clientSecret,
    scope: descriptor.managementScope,
  });
  const token = await post(
    descriptor,
    `${descriptor.authorityHost}/${descriptor.tenantId}/oauth2/v2.0/token`,
    {'content-type': 'application/x-www-form-urlencoded'},
    form.toString(),
  );
  const scoring = `${descriptor.resourceManagerEndpoint}inference/fraud-aad.eastus/score`;
  await post(
    descriptor,
    scoring,
    {
      authorization: `Bearer ${JSON.parse(token.text).access_token}`,
      'content-type': 'application/json',
    },
    '{"data": [[1, 2, 3, 4]]}',
  );
}

async function main() {
  const configDir = mkdtempSync(join(tmpdir(), 'aml-auth-shots-'));
  const sandbox = spawn(
    process.execPath,
    [
      CLI,
      'sandbox',
      '--json',
      '--auto-approve',
      '--provisioning-delay',
      '1s',
      '--ingestion-delay',
      '1s',
    ],
    {stdio: ['ignore', 'pipe', 'inherit']},
  );
  const descriptor = await new Promise((resolve, reject) => {
    let out = '';
    sandbox.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  const env = {
    ...process.env,
    AML_AUTH_CONFIG_DIR: configDir,
    TERM: 'xterm-256color',
    FORCE_COLOR: '1',
  };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  delete env.NO_COLOR;
  // Never the desktop's keyring: the sandbox's tokens stay in memory (the screen says why).
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const term = new xterm.Terminal({cols: COLS, rows: ROWS, allowProposedApi: true});
  const child = pty.spawn(process.execPath, [CLI, '--cloud', descriptor.cloudFile], {
    name: 'xterm-256color',
    cols: COLS,
    rows: ROWS,
    env,
  });
  let pending = Promise.resolve();
  child.onData((d) => (pending = pending.then(() => new Promise((r) => term.write(d, r)))));
  const screen = () => {
    const b = term.buffer.active;
    return Array.from(
      {length: b.length},
      (_, i) => b.getLine(i)?.translateToString(true) ?? '',
    ).join('\n');
  };
  const waitFor = async (text, ms = 15000) => {
    const t0 = Date.now();
    for (;;) {
      await pending;
      if (screen().includes(text)) return new Promise((r) => setTimeout(r, 300));
      if (Date.now() - t0 > ms) throw new Error(`no "${text}" on screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const press = async (...keys) => {
    for (const k of keys) {
      child.write(k);
      await new Promise((r) => setTimeout(r, 120));
    }
  };
  const shot = async (name, title) => {
    await pending;
    writeFileSync(join(OUT, `${name}.svg`), toSvg(term, title));
    console.log(`assets/screenshots/${name}.svg`);
  };
  const ENTER = '\r';
  const RIGHT = '\u001b[C';
  const DOWN = '\u001B[B';
  const ESC = '\u001B';
  try {
    await waitFor('How do you want to sign in?');
    await shot('01-sign-in', 'aml-auth — sign in');
    await press(ENTER, ENTER);
    await waitFor('Signed in');
    await press('i');
    await waitFor('aud is the management audience');
    await shot('02-signed-in', 'aml-auth — signed in, management token inspected');
    await press(ENTER);
    await waitFor('Sandbox Prod');
    await press(ENTER);
    await waitFor('ws-experiments');
    await press(ENTER);
    await waitFor('loan-aml');
    await shot('03-endpoints', 'aml-auth — choose an endpoint');
    await press(ENTER);
    await waitFor('Auth mode of churn-scorer');
    await shot('04-auth-mode', 'aml-auth — auth mode');
    await press('k');
    await waitFor('Save this setup');
    await press(ENTER);
    await waitFor('Saved profile');
    await press(ENTER);
    await waitFor('list keys');
    await shot('05-roles', 'aml-auth — roles: the permission preflight');
    await press(ESC);
    await waitFor('Save profile');
    await press(DOWN, ENTER);
    await waitFor('secondary');
    await shot('06-credentials', 'aml-auth — credentials (masked)');
    await press(ESC);
    await waitFor('Save profile');
    await press(DOWN, ENTER);
    await waitFor('traffic-routed');
    await press(ENTER);
    await waitFor('x-request-id');
    await shot('07-invoke', 'aml-auth — invoke');
    await press(ESC);
    await waitFor('Save profile');
    await press(DOWN, ENTER);
    await waitFor('Deployments of churn-scorer');
    await waitFor('max concurrent');
    await shot('08-deployments', 'aml-auth — deployments: traffic, instances, model, settings');
    await press('t');
    await waitFor('Traffic split');
    await press(DOWN, RIGHT);
    await shot('09-traffic', 'aml-auth — the traffic split and the mirror');
    await press(ESC);
    await waitFor('max concurrent');
    await press('l');
    await waitFor('POST /score');
    await shot('10-logs', "aml-auth — a deployment's logs, with the requests it served");
    // Back from the logs to the deployment list; the traffic log's tour starts from there.
    await press(ESC);
    await waitFor('max concurrent');
    // fraud-aad: turn its traffic log on, score it as the owner (Invoke) and, with a wrong
    // audience, as scoring-client; then the log shows both callers.
    await press(ESC);
    await waitFor('Save profile');
    await press(ESC);
    await waitFor('loan-aml');
    await press(DOWN, ENTER);
    await waitFor('Auth mode of fraud-aad');
    await press('k');
    await waitFor('Save this setup');
    await press(ENTER);
    await waitFor('Saved profile fraud-aad');
    await press(DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, ENTER); // Traffic log, the last entry
    await waitFor('Traffic logging is off');
    await press('e');
    await waitFor('law-dev');
    await press(ENTER);
    await waitFor('Send the traffic log of fraud-aad');
    await press('y');
    await waitFor('Traffic logging is on');
    await press(ESC);
    await waitFor('Save profile');
    for (let i = 0; i < 6; i++) await press('\u001B[A');
    await press(DOWN, DOWN, ENTER); // Invoke
    await waitFor('traffic-routed');
    await press(ENTER);
    await waitFor('x-request-id');
    await press(ENTER);
    await new Promise((r) => setTimeout(r, 800));
    await wrongAudienceCall(descriptor);
    await press(ESC);
    await waitFor('Save profile');
    await press(DOWN, DOWN, DOWN, DOWN, ENTER); // Traffic log
    // The requests arrive after the sandbox's ingestion delay (1 s here).
    await new Promise((r) => setTimeout(r, 1500));
    await press('r');
    await waitFor('3 requests');
    await shot('11-traffic-log', 'aml-auth — traffic log: who called, with which auth type');
  } finally {
    child.kill();
    sandbox.kill('SIGTERM');
    rmSync(configDir, {recursive: true, force: true});
  }
}

await main();
