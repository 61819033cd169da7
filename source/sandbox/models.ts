/**
 * Small deterministic models that sandbox deployments serve. Each takes rows of four numbers —
 * the MLflow `input_data` shape (`{"input_data": {"columns": […], "data": [[…]]}}`), the bare
 * `{"input_data": [[…]]}`, or the classic `{"data": [[…]]}` — and answers the same way every time.
 */

export const FEATURE_COUNT = 4;

export type ModelOutcome =
  {ok: true; body: unknown} | {ok: false; statusCode: number; message: string};

type Row = [number, number, number, number];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round = (x: number) => Math.round(x * 10_000) / 10_000;
const dot = (w: number[], row: Row, bias: number) =>
  row.reduce((sum, v, i) => sum + v * w[i]!, bias);

const MODELS: Record<string, (rows: Row[]) => unknown> = {
  // Churn probability per customer.
  'churn-blue': (rows) => rows.map((r) => round(sigmoid(dot([-0.04, 0.015, 0.45, -0.6], r, -1.1)))),
  'churn-green': (rows) =>
    rows.map((r) => round(sigmoid(dot([-0.035, 0.018, 0.5, -0.7], r, -1.0)))),
  // Fraud label per transaction.
  'fraud-main': (rows) =>
    rows.map((r) => (sigmoid(dot([0.002, 0.05, 1.2, 0.3], r, -2.5)) >= 0.5 ? 'fraud' : 'legit')),
  // Loan decisions: v1 labels, v2 labels with a score.
  'loan-v1': (rows) =>
    rows.map((r) =>
      sigmoid(dot([0.03, -0.01, -0.4, 0.5], r, 0.2)) >= 0.5 ? 'approve' : 'decline',
    ),
  'loan-v2': (rows) =>
    rows.map((r) => {
      const score = round(sigmoid(dot([0.035, -0.012, -0.35, 0.55], r, 0.1)));
      return {decision: score >= 0.5 ? 'approve' : 'decline', score};
    }),
};

export const modelNames = (): string[] => Object.keys(MODELS);

/** FNV-1a, for stable weights from a name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The behaviour of a registered model version no seeded deployment serves (`asset:{name}:{v}`):
 * a logistic score per row with weights derived from the name, the same every time.
 */
function derivedModel(key: string): (rows: Row[]) => unknown {
  const weights = [0, 1, 2, 3].map((i) => ((hash(`${key}#${i}`) % 2001) - 1000) / 10_000);
  const bias = ((hash(`${key}#bias`) % 201) - 100) / 100;
  return (rows) => rows.map((r) => round(sigmoid(dot(weights, r, bias))));
}

/** The model key a deployment of a registered model version serves when none is seeded. */
export const assetBehaviour = (name: string, version: string): string =>
  `asset:${name.toLowerCase()}:${version}`;

function extractRows(payload: unknown): {rows?: unknown[]; error?: string} {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return {error: 'The request body must be a JSON object with "input_data" or "data".'};
  }
  const p = payload as Record<string, unknown>;
  if ('input_data' in p) {
    const input = p.input_data;
    if (Array.isArray(input)) return {rows: input};
    if (typeof input === 'object' && input !== null) {
      const frame = input as Record<string, unknown>;
      if (!Array.isArray(frame.data)) return {error: '"input_data.data" must be an array of rows.'};
      if (frame.columns !== undefined) {
        if (!Array.isArray(frame.columns) || frame.columns.length !== FEATURE_COUNT) {
          return {error: `"input_data.columns" must name ${FEATURE_COUNT} columns.`};
        }
      }
      return {rows: frame.data};
    }
    return {error: '"input_data" must be an object with "data" or an array of rows.'};
  }
  if (Array.isArray(p.data)) return {rows: p.data};
  return {error: 'The request body has neither "input_data" nor "data".'};
}

export function runModel(model: string, payload: unknown): ModelOutcome {
  const fn = MODELS[model] ?? (model.startsWith('asset:') ? derivedModel(model) : undefined);
  if (!fn) return {ok: false, statusCode: 500, message: `Model '${model}' failed to load.`};
  const {rows, error} = extractRows(payload);
  if (error || !rows) return {ok: false, statusCode: 400, message: error ?? 'No rows.'};
  if (rows.length === 0)
    return {ok: false, statusCode: 400, message: 'The request has no rows to score.'};
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== FEATURE_COUNT) {
      return {
        ok: false,
        statusCode: 400,
        message: `Expected ${FEATURE_COUNT} features per row; row ${i} has ${Array.isArray(row) ? row.length : 'none'}.`,
      };
    }
    if (!row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return {ok: false, statusCode: 400, message: `Row ${i} has a value that is not a number.`};
    }
  }
  return {ok: true, body: fn(rows as Row[])};
}
