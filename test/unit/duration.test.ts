import {describe, expect, it} from 'vitest';
import {parseDuration} from '../../source/sandbox/duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['1500ms', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1m30s250ms', 90_250],
    ['1.5s', 1_500],
    ['90', 90_000],
    ['0.25', 250],
    [' 10S ', 10_000],
    ['0s', 0],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '   ', 's', 'abc', '5x', '5 m', '10s later', '-5s', '1h 30m', 'ms5'])(
    'rejects %j with a hint',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/is not a duration \(try 90s/);
    },
  );
});
