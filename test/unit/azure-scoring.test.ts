import {describe, expect, it} from 'vitest';
import {ServiceError} from '../../source/azure/errors';
import {
  authErrorFrom,
  createInvoker,
  invokeResult,
  retryAfterSeconds,
  safeHeaders,
} from '../../source/azure/scoring';

const KEY = 'kCYDEW5glFqecINvNhohDKtBkPYBfETPP66JBIyHeHM=';

describe('safeHeaders', () => {
  it('lower-cases names and drops anything that looks secret', () => {
    const out = safeHeaders({
      'Content-Type': 'application/json',
      'X-Request-Id': 'abc',
      Authorization: `Bearer ${KEY}`,
      'Set-Cookie': 'session=1',
      'x-ms-token-aad-access-token': 'eyJ',
      'x-api-key': KEY,
      'x-client-secret': 's',
      'WWW-Authenticate': 'Bearer error="invalid_token"',
      'azureml-model-deployment': 'blue',
      'keep-alive': 'timeout=5',
    });
    expect(out).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'abc',
      'www-authenticate': 'Bearer error="invalid_token"',
      'azureml-model-deployment': 'blue',
      'keep-alive': 'timeout=5',
    });
  });

  it('redacts the credential or a JWT echoed in a harmless-looking header', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
    const out = safeHeaders(
      [
        ['x-echo', `you sent ${KEY}`],
        ['x-debug', jwt],
      ],
      [KEY],
    );
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(JSON.stringify(out)).not.toContain(jwt);
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-15T09:30:00Z');
  it('reads seconds, an HTTP date, or the milliseconds headers', () => {
    expect(retryAfterSeconds({'retry-after': '7'}, now)).toBe(7);
    expect(retryAfterSeconds({'retry-after': 'Thu, 15 Jan 2026 09:30:12 GMT'}, now)).toBe(12);
    expect(retryAfterSeconds({'retry-after': 'Thu, 15 Jan 2026 09:29:00 GMT'}, now)).toBe(0);
    expect(retryAfterSeconds({'retry-after-ms': '1500'}, now)).toBe(2);
    expect(retryAfterSeconds({'x-ms-retry-after-ms': '200'}, now)).toBe(1);
    expect(retryAfterSeconds({}, now)).toBeUndefined();
    expect(retryAfterSeconds({'retry-after': 'soon'}, now)).toBeUndefined();
  });
});

describe('authErrorFrom', () => {
  it('prefers error_description, then error, quoted or not', () => {
    expect(
      authErrorFrom('Bearer error="invalid_token", error_description="The token has expired."'),
    ).toBe('The token has expired.');
    expect(authErrorFrom('Bearer realm="x", error=insufficient_scope')).toBe('insufficient_scope');
    expect(authErrorFrom('Bearer error_description="say \\"hi\\""')).toBe('say "hi"');
    expect(authErrorFrom('Bearer realm="ml"')).toBeUndefined();
    expect(authErrorFrom(undefined)).toBeUndefined();
  });
});

describe('invokeResult', () => {
  it('fills deployment, request ID, content type, model error and retry from the headers', () => {
    const r = invokeResult(
      424,
      {
        'Content-Type': 'application/json',
        'x-request-id': 'rid',
        'azureml-model-deployment': 'v2',
        'ms-azureml-model-error-statuscode': '400',
        'ms-azureml-model-error-reason': 'model_error',
        'retry-after': '3',
      },
      '{"error":"bad"}',
      12,
    );
    expect(r).toMatchObject({
      status: 424,
      latencyMs: 12,
      deployment: 'v2',
      requestId: 'rid',
      contentType: 'application/json',
      modelError: {statusCode: '400', reason: 'model_error'},
      retryAfterSeconds: 3,
      body: '{"error":"bad"}',
    });
    expect(r.authError).toBeUndefined();
  });

  it('an empty deployment header (no deployment answered) is left out; x-ms-request-id is a fallback', () => {
    const r = invokeResult(404, {'azureml-model-deployment': '', 'x-ms-request-id': 'ms'}, 'no', 1);
    expect(r.deployment).toBeUndefined();
    expect(r.requestId).toBe('ms');
    expect(r.modelError).toBeUndefined();
  });

  it('a 401 carries the challenge reason; an echoed credential is removed from the body', () => {
    const r = invokeResult(
      401,
      {'www-authenticate': 'Bearer error="invalid_token", error_description="Wrong key."'},
      `denied for ${KEY}`,
      3,
      [KEY],
    );
    expect(r.authError).toBe('Wrong key.');
    expect(r.body).toBe('denied for [secret]');
  });
});

describe('createInvoker checks the request before sending anything', () => {
  const invoke = createInvoker({
    name: 'TestCloud',
    resourceManagerEndpoint: 'https://management.test/',
    authorityHost: 'https://login.test',
    managementScope: 'https://management.test/.default',
    mlScope: 'https://ml.test/.default',
    custom: true,
  });
  const ok = {
    scoringUri: 'https://ep.eastus.inference.ml.azure.com/score',
    credential: KEY,
    body: '{}',
  };

  it.each([
    ['not a URL', {...ok, scoringUri: 'ep/score'}, 'The scoring URI is not a URL'],
    ['plain http', {...ok, scoringUri: 'http://ep/score'}, 'The scoring URI must use https'],
    ['no credential', {...ok, credential: ''}, 'No credential to send'],
    [
      'a line break in the credential',
      {...ok, credential: `${KEY}\n`},
      'The credential is not a valid key or token',
    ],
    [
      'a line break in the deployment',
      {...ok, deployment: 'blue\r\nx: 1'},
      'The deployment name is not valid',
    ],
  ])('%s', async (_, request, title) => {
    const err = await invoke(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).appError).toMatchObject({kind: 'invalid', title});
    expect(JSON.stringify((err as ServiceError).appError)).not.toContain(KEY);
  });

  it('an already aborted signal is a cancellation', async () => {
    const err = await invoke(ok, AbortSignal.abort()).catch((e: unknown) => e);
    expect((err as ServiceError).appError.kind).toBe('cancelled');
  });
});
