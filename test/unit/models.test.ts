import {describe, expect, it} from 'vitest';
import {FEATURE_COUNT, modelNames, runModel} from '../../source/sandbox/models';

const ROW = [12, 70.5, 1, 0];
const ROW2 = [60, 20, 4, 1];

describe('runModel', () => {
  it('serves the five seeded models', () => {
    expect(modelNames().sort()).toEqual([
      'churn-blue',
      'churn-green',
      'fraud-main',
      'loan-v1',
      'loan-v2',
    ]);
    expect(FEATURE_COUNT).toBe(4);
  });

  it('accepts the MLflow frame, bare input_data and classic data shapes alike', () => {
    const frame = runModel('churn-blue', {
      input_data: {columns: ['a', 'b', 'c', 'd'], data: [ROW, ROW2]},
    });
    const frameNoColumns = runModel('churn-blue', {input_data: {data: [ROW, ROW2]}});
    const bare = runModel('churn-blue', {input_data: [ROW, ROW2]});
    const classic = runModel('churn-blue', {data: [ROW, ROW2]});
    expect(frame.ok).toBe(true);
    expect(frameNoColumns).toEqual(frame);
    expect(bare).toEqual(frame);
    expect(classic).toEqual(frame);
  });

  it("answers deterministically, one output per row, of each model's type", () => {
    const churn = runModel('churn-blue', {data: [ROW, ROW2]});
    expect(churn).toEqual(runModel('churn-blue', {data: [ROW, ROW2]}));
    if (!churn.ok) throw new Error('churn failed');
    const probs = churn.body as number[];
    expect(probs).toHaveLength(2);
    for (const p of probs) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    // blue and green are different models.
    expect(runModel('churn-green', {data: [ROW]})).not.toEqual(
      runModel('churn-blue', {data: [ROW]}),
    );

    const fraud = runModel('fraud-main', {data: [[10, 5, 0, 0], ROW]});
    expect(fraud).toEqual({ok: true, body: ['legit', 'fraud']});

    const v1 = runModel('loan-v1', {data: [ROW]});
    expect(v1.ok && (v1.body as string[]).every((x) => x === 'approve' || x === 'decline')).toBe(
      true,
    );
    const v2 = runModel('loan-v2', {data: [ROW]});
    if (!v2.ok) throw new Error('loan-v2 failed');
    const [out] = v2.body as {decision: string; score: number}[];
    expect(out!.decision).toBe(out!.score >= 0.5 ? 'approve' : 'decline');
    expect(Number.isFinite(out!.score)).toBe(true);
  });

  it.each([
    ['a string', 'hello', /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['an array', [ROW], /must be a JSON object/],
    ['neither key', {rows: [ROW]}, /neither "input_data" nor "data"/],
    ['input_data of the wrong type', {input_data: 5}, /"input_data" must be an object/],
    ['a frame without data', {input_data: {columns: ['a', 'b', 'c', 'd']}}, /"input_data.data"/],
    ['three columns', {input_data: {columns: ['a', 'b', 'c'], data: [ROW]}}, /name 4 columns/],
    ['no rows', {data: []}, /no rows/],
    ['a short row', {data: [ROW, [1, 2, 3]]}, /row 1 has 3/],
    ['a row that is not an array', {data: [7]}, /row 0 has none/],
    ['a string feature', {data: [[1, 2, 'x', 4]]}, /Row 0 has a value that is not a number/],
    ['a null feature', {data: [[1, 2, null, 4]]}, /not a number/],
  ])('refuses %s with a 400 the gateway reports as 424', (_name, payload, message) => {
    const out = runModel('loan-v1', payload);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.statusCode).toBe(400);
    expect(out.message).toMatch(message);
  });

  it('an unknown model is a 500', () => {
    expect(runModel('nope', {data: [ROW]})).toEqual({
      ok: false,
      statusCode: 500,
      message: "Model 'nope' failed to load.",
    });
  });
});
