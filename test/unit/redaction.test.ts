import {describe, expect, it} from 'vitest';
import {redact} from '../../source/azure/errors';
import {summariseCertificates} from '../../source/commands/runtime/secrets';

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\\n${body}\\n-----END CERTIFICATE-----`;

describe('--debug log: CA bundles summarised', () => {
  it('a request log with tlsSettings.ca lists no certificate, only how many', () => {
    const log = `azure:core-rest-pipeline:info Request: {
  "url": "https://127.0.0.1:1/x",
  "tlsSettings": {
    "ca": [
      "${pem('MIICiTCCAg+gAwIBAgIQ')}",
      "${pem('MIIEFTCCAv2gAwIBAgIG')}",
      "${pem('MIIECjCCAvKgAwIBAgIJ')}"
    ]
  }
}`;
    const out = summariseCertificates(log);
    expect(out).not.toContain('BEGIN CERTIFICATE');
    expect(out).toContain('"ca": "[3 certificates]"');
    expect(out).toContain('"url": "https://127.0.0.1:1/x"');
    expect(JSON.parse(out.slice(out.indexOf('{')))).toEqual({
      url: 'https://127.0.0.1:1/x',
      tlsSettings: {ca: '[3 certificates]'},
    });
    expect(summariseCertificates('plain line\n')).toBe('plain line\n');
  });
});

describe('secret redaction replaces secrets, not words', () => {
  it('a short secret equal to an ordinary word leaves the word alone but not the value', () => {
    const s = ['blue'];
    expect(redact('endpoint churn-scorer: deployment blue answered; blueprint', s)).toBe(
      'endpoint churn-scorer: deployment blue answered; blueprint',
    );
    expect(redact(`the secret 'blue' was refused`, s)).toBe(`the secret '[secret]' was refused`);
    expect(redact('{"clientSecret": "blue"}', s)).toBe('{"clientSecret": "[secret]"}');
    expect(redact('secret=blue&x=1', s)).toBe('secret=[secret]&x=1');
    expect(redact('AZURE_CLIENT_SECRET: blue', s)).toBe('AZURE_CLIENT_SECRET: [secret]');
  });
  it('a long (random) secret is replaced wherever it appears, even inside other text', () => {
    const secret = 'Zq8~kP2vX9mN4wR7tY1u';
    expect(redact(`x${secret}y and ${secret}`, [secret])).toBe('x[secret]y and [secret]');
  });
});
