import {describe, expect, it} from 'vitest';
import {
  AUTH_MODES,
  describeAuthMode,
  fromWireAuthMode,
  parseAuthMode,
  toWireAuthMode,
} from '../../source/domain/auth-mode';

describe('auth mode names', () => {
  it('maps user names to wire values and back', () => {
    expect(AUTH_MODES.map(toWireAuthMode)).toEqual(['Key', 'AMLToken', 'AADToken']);
    expect(['Key', 'AMLToken', 'AADToken'].map(fromWireAuthMode)).toEqual([
      'key',
      'aml_token',
      'aad_token',
    ]);
  });

  it('reads wire values case-insensitively and refuses unknown ones', () => {
    expect(fromWireAuthMode('amltoken')).toBe('aml_token');
    expect(() => fromWireAuthMode('Certificate')).toThrow(
      /unknown endpoint auth mode 'Certificate'/,
    );
  });

  it('parses either spelling from a user', () => {
    expect(parseAuthMode('aml_token')).toBe('aml_token');
    expect(parseAuthMode('AMLToken')).toBe('aml_token');
    expect(parseAuthMode(' AAD-Token ')).toBe('aad_token');
    expect(parseAuthMode('KEY')).toBe('key');
    expect(parseAuthMode('token')).toBeUndefined();
  });
});

describe('describeAuthMode', () => {
  it('explains each mode in one line', () => {
    for (const mode of AUTH_MODES) {
      const info = describeAuthMode(mode);
      expect(info.mode).toBe(mode);
      expect(info.wire).toBe(toWireAuthMode(mode));
      expect(info.explanation).not.toContain('\n');
    }
    expect(describeAuthMode('key').explanation).toMatch(/never expire.*rotate/);
    expect(describeAuthMode('aml_token').explanation).toMatch(/expires.*refreshed/);
    expect(describeAuthMode('aad_token').explanation).toContain('https://ml.azure.com');
  });

  it("names the cloud's data-plane audience for aad_token", () => {
    expect(
      describeAuthMode('aad_token', {mlScope: 'https://ml.azure.us/.default'}).explanation,
    ).toContain('https://ml.azure.us ');
  });
});
