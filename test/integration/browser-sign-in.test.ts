import {createHash, randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {request as httpRequest} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import type {BrowserPrompt, CloudConfig} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox} from '../helpers/sandbox';

// The sandbox's browser sign-in (authorization code + PKCE, issue 16) on the wire, and the app's
// browser method through the real InteractiveBrowserCredential where no browser can be opened
// (issue 14): the URL comes to the caller, a "browser" (this test) opens it, and MSAL Node's
// loopback gets the answer.

let sandbox: RunningSandbox;
let auto: RunningSandbox;
let cloud: CloudConfig;
let noBrowserPath: string;

const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const REDIRECT = 'http://localhost:53123';
const SCOPE = 'https://management.azure.com/.default openid profile offline_access';

beforeAll(async () => {
  [sandbox, auto] = await Promise.all([
    startTestSandbox(),
    startTestSandbox({autoApprove: 'owner'}),
  ]);
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  noBrowserPath = mkdtempSync(join(tmpdir(), 'aml-auth-nobrowser-'));
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), auto?.stop()]);
  if (noBrowserPath) rmSync(noBrowserPath, {recursive: true, force: true});
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return {verifier, challenge: createHash('sha256').update(verifier).digest('base64url')};
}

function authorizeUrl(box: RunningSandbox, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    client_id: CLIENT,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: SCOPE,
    state: 'st-1',
    ...extra,
  });
  return `${box.url}/${box.descriptor.tenantId}/oauth2/v2.0/authorize?${q}`;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: {'content-type': 'application/x-www-form-urlencoded'},
  body: new URLSearchParams(fields).toString(),
});

/** An auto-approved authorize: the code from the 302 to the loopback redirect. */
async function codeFor(challenge: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await request(
    auto,
    authorizeUrl(auto, {code_challenge: challenge, code_challenge_method: 'S256', ...extra}),
  );
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location!);
  expect(location.searchParams.get('state')).toBe('st-1');
  return location.searchParams.get('code')!;
}

function redeem(code: string, verifier: string, redirect = REDIRECT) {
  return request(
    auto,
    `/${auto.descriptor.tenantId}/oauth2/v2.0/token`,
    form({
      grant_type: 'authorization_code',
      client_id: CLIENT,
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
      scope: SCOPE,
    }),
  );
}

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('the sandbox authorize endpoint', () => {
  it('without auto-approve shows the sign-in page; choosing a user redirects with code and state', async () => {
    const url = authorizeUrl(sandbox, {login_hint: 'scientist@contoso.sandbox'});
    const page = await request(sandbox, url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const scientist = principal(sandbox, 'scientist');
    expect(page.text).toContain(`value="${scientist.objectId}" selected`);
    expect(page.text).toContain('name="state" value="st-1"');

    const posted = await request(
      sandbox,
      url,
      form({principal: scientist.objectId, action: 'approve'}),
    );
    expect(posted.status).toBe(302);
    const location = new URL(posted.headers.location!);
    expect(location.origin).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{40,}$/);
  });

  it('the page escapes what the request carries (state, login_hint)', async () => {
    const page = await request(
      sandbox,
      authorizeUrl(sandbox, {state: '"><script>alert(1)</script>', login_hint: '<b>x</b>'}),
    );
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.text).not.toContain('<b>x</b>');
  });

  it('Cancel on the page redirects with access_denied', async () => {
    const res = await request(sandbox, authorizeUrl(sandbox), form({action: 'decline'}));
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-1');
  });

  it('a redirect that is not a loopback gets an error page, never a redirect', async () => {
    for (const redirect of ['https://evil.example/cb', 'https://localhost:5000', 'not a url']) {
      const res = await request(sandbox, authorizeUrl(sandbox, {redirect_uri: redirect}));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('AADSTS50011');
    }
    expect(
      (await request(sandbox, authorizeUrl(sandbox, {redirect_uri: 'http://127.0.0.1:9/'}))).status,
    ).toBe(200);
  });

  it('errors past a valid redirect go back to it (bad scope, bad PKCE method, prompt=none)', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{scope: 'openid'}, 'invalid_scope', 'AADSTS70011'],
      [
        {code_challenge: 'x'.repeat(43), code_challenge_method: 'S1'},
        'invalid_request',
        'AADSTS50149',
      ],
      [{code_challenge: 'short'}, 'invalid_request', 'AADSTS501491'],
      [{response_type: 'token'}, 'unsupported_response_type', 'AADSTS700054'],
      [{prompt: 'none'}, 'login_required', 'AADSTS50058'],
    ];
    for (const [extra, error, aadsts] of cases) {
      const res = await request(sandbox, authorizeUrl(sandbox, extra));
      expect(res.status, JSON.stringify(extra)).toBe(302);
      const q = new URL(res.headers.location!).searchParams;
      expect(q.get('error')).toBe(error);
      expect(q.get('error_description')).toContain(aadsts);
      expect(q.get('state')).toBe('st-1');
    }
  });

  it('response_mode=form_post answers with a page that posts code and state to the redirect', async () => {
    const {challenge} = pkce();
    const res = await request(
      auto,
      authorizeUrl(auto, {
        response_mode: 'form_post',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain(`action="${REDIRECT}"`);
    expect(res.text).toMatch(/name="code" value="[\w-]{40,}"/);
    expect(res.text).toContain('name="state" value="st-1"');
  });
});

describe('the token endpoint redeems an authorization code', () => {
  it('with the right verifier: tokens for the auto-approved owner, and a refresh token that works', async () => {
    const {verifier, challenge} = pkce();
    const res = await redeem(await codeFor(challenge), verifier);
    expect(res.status).toBe(200);
    const body = res.json() as {access_token: string; refresh_token: string; id_token: string};
    expect(claims(body.access_token)).toMatchObject({
      upn: 'owner@contoso.sandbox',
      aud: 'https://management.azure.com',
      appid: CLIENT,
    });
    const refreshed = await request(
      auto,
      `/${auto.descriptor.tenantId}/oauth2/v2.0/token`,
      form({
        grant_type: 'refresh_token',
        client_id: CLIENT,
        refresh_token: body.refresh_token,
        scope: 'https://ml.azure.com/.default',
      }),
    );
    expect(refreshed.status).toBe(200);
    expect(claims((refreshed.json() as {access_token: string}).access_token).aud).toBe(
      'https://ml.azure.com',
    );
  });

  it('a login_hint names the user an auto-approved sign-in is for', async () => {
    const {verifier, challenge} = pkce();
    const code = await codeFor(challenge, {login_hint: 'scientist@contoso.sandbox'});
    const body = (await redeem(code, verifier)).json() as {access_token: string};
    expect(claims(body.access_token).upn).toBe('scientist@contoso.sandbox');
  });

  it('a wrong verifier is AADSTS501481, and the code is spent', async () => {
    const {verifier, challenge} = pkce();
    const code = await codeFor(challenge);
    const bad = await redeem(code, pkce().verifier);
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({error: 'invalid_grant', error_codes: [501481]});
    expect((await redeem(code, verifier)).json()).toMatchObject({error_codes: [54005]});
  });

  it('a missing verifier for a code with a challenge is refused too', async () => {
    const {challenge} = pkce();
    const res = await redeem(await codeFor(challenge), '');
    expect(res.json()).toMatchObject({error: 'invalid_grant', error_codes: [501481]});
  });

  it('a code is redeemed once', async () => {
    const {verifier, challenge} = pkce();
    const code = await codeFor(challenge);
    expect((await redeem(code, verifier)).status).toBe(200);
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({error: 'invalid_grant', error_codes: [54005]});
  });

  it('the redirect must be the one the code was issued for', async () => {
    const {verifier, challenge} = pkce();
    const res = await redeem(await codeFor(challenge), verifier, 'http://localhost:1');
    expect(res.json()).toMatchObject({error: 'invalid_grant', error_codes: [50011]});
  });

  it('a code past its ten minutes is expired (AADSTS70008)', async () => {
    const {verifier, challenge} = pkce();
    const code = await codeFor(challenge);
    auto.advanceClock(601_000);
    expect((await redeem(code, verifier)).json()).toMatchObject({
      error: 'invalid_grant',
      error_codes: [70008],
    });
  });

  it('an unknown code, or one issued to another client, is invalid_grant', async () => {
    const {verifier, challenge} = pkce();
    const code = await codeFor(challenge);
    const other = await request(
      auto,
      `/${auto.descriptor.tenantId}/oauth2/v2.0/token`,
      form({
        grant_type: 'authorization_code',
        client_id: 'another-client',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }),
    );
    expect(other.json()).toMatchObject({error: 'invalid_grant', error_codes: [70000]});
    expect((await redeem('made-up', verifier)).json()).toMatchObject({error_codes: [70000]});
  });
});

/** What a browser does with the sign-in URL: the page, a user chosen, the form_post to the loopback. */
async function actAsBrowser(box: RunningSandbox, url: string, user?: string): Promise<number> {
  let page = await request(box, url);
  if (user) {
    page = await request(
      box,
      url,
      form({principal: principal(box, user).objectId, action: 'approve'}),
    );
  }
  expect(page.status).toBe(200);
  return postForm(page.text);
}

/** Posts a form_post page's fields to its action, the loopback where MSAL Node listens. */
function postForm(page: string): Promise<number> {
  const action = /action="([^"]+)"/.exec(page)![1]!;
  const fields = Object.fromEntries(
    [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
    ]),
  );
  const target = new URL(action);
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        path: '/',
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the browser method where no browser can be opened (real InteractiveBrowserCredential)', () => {
  const saved = {PATH: process.env.PATH, BROWSER: process.env.BROWSER};
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.BROWSER === undefined) delete process.env.BROWSER;
    else process.env.BROWSER = saved.BROWSER;
  });
  const noBrowser = () => {
    process.env.PATH = noBrowserPath;
    delete process.env.BROWSER;
  };

  it('hands over the URL and the loopback port; opening it by hand signs in', async () => {
    noBrowser();
    const services = createServices(cloud, {tokenCache: 'memory'});
    const prompts: BrowserPrompt[] = [];
    let posted: Promise<number> | undefined;
    const result = await services.signIn(
      'browser',
      {},
      {
        onBrowser: (prompt) => {
          prompts.push(prompt);
          posted = actAsBrowser(sandbox, prompt.url, 'scientist');
        },
      },
    );
    expect(await posted).toBe(200);
    expect(result.identity).toMatchObject({kind: 'user', name: 'scientist@contoso.sandbox'});
    expect(prompts).toHaveLength(1);
    const [prompt] = prompts as [BrowserPrompt];
    expect(prompt).toMatchObject({opened: false, reason: 'xdg-open is not installed'});
    const q = new URL(prompt.url).searchParams;
    expect(new URL(q.get('redirect_uri')!).port).toBe(String(prompt.port));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('response_mode')).toBe('form_post');
    // The URL holds the challenge, never the verifier (which only the token request carries).
    expect(prompt.url).not.toMatch(/code_verifier/);
    expect(result.authenticationRecord).toBeTruthy();
    // A token for another audience comes silently from the refresh token.
    const ml = await services.aadToken();
    expect(claims(ml.value).aud).toBe('https://ml.azure.com');
  });

  it('an abort while it waits is cancelled and closes the loopback port', async () => {
    noBrowser();
    const services = createServices(cloud, {tokenCache: 'memory'});
    const controller = new AbortController();
    let port = 0;
    const outcome = services
      .signIn(
        'browser',
        {},
        {
          onBrowser: (prompt) => {
            port = prompt.port!;
            controller.abort();
          },
        },
        controller.signal,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const err = await outcome;
    expect(err).toBeInstanceOf(ServiceError);
    expect(port).toBeGreaterThan(0);
    const refused = await new Promise<string>((resolve) => {
      const req = httpRequest({host: '127.0.0.1', port, path: '/', method: 'GET'}, (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.end();
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('Cancel on the sign-in page: an explained failure, not "check the sign-in details"', async () => {
    noBrowser();
    const services = createServices(cloud, {tokenCache: 'memory'});
    const err = await services
      .signIn(
        'browser',
        {},
        {
          onBrowser: (p) => {
            void request(sandbox, p.url, form({action: 'decline'})).then((page) =>
              postForm(page.text),
            );
          },
        },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ServiceError);
    const app = (err as ServiceError).appError;
    expect(app).toMatchObject({
      title: 'The sign-in was cancelled in the browser',
      code: 'AADSTS65004',
    });
    expect(app.nextSteps.join(' ')).toContain('device code');
  });

  it('a $BROWSER that fails to start is named in the reason', async () => {
    noBrowser();
    process.env.BROWSER = 'no-such-browser-here';
    const services = createServices(cloud, {tokenCache: 'memory'});
    let prompt: BrowserPrompt | undefined;
    await services.signIn(
      'browser',
      {},
      {
        onBrowser: (p) => {
          prompt = p;
          void actAsBrowser(sandbox, p.url, 'owner');
        },
      },
    );
    expect(prompt).toMatchObject({opened: false, reason: 'no-such-browser-here is not installed'});
  });
});
