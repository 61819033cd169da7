/**
 * The documented subset of the Kusto Query Language the sandbox's Log Analytics answers:
 *
 *   AmlOnlineEndpointTrafficLog
 *   | where <cond> [and|or <cond>…]   cond: Col ==|!=|=~|!~|<|<=|>|>= value, Col in (v, …), Col !in (…),
 *                                     (…), not(…); values: "str", 'str', numbers, ago(1h), now(),
 *                                     datetime(2026-01-01T00:00:00Z)
 *   | project Col, Name = Col, …
 *   | order by Col [asc|desc], …      (also `sort by`)
 *   | take N                          (also `limit N`, `top N by Col [asc|desc]`)
 *   | summarize [Name =] count() by Col, …
 *
 * Anything else is refused with the query API's own error shape (a `BadArgumentError` whose
 * inner error is a `SyntaxError` or a `SemanticError`), never a crash.
 */

export type ColumnType = 'datetime' | 'string' | 'int' | 'long' | 'real' | 'bool';
export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

export interface Table {
  columns: {name: string; type: ColumnType}[];
  rows: Value[][];
}

/** A query the subset cannot answer: a syntax or semantic error, as Log Analytics reports them. */
export class KqlError extends Error {
  constructor(
    readonly kind: 'SyntaxError' | 'SemanticError',
    readonly code: string,
    message: string,
    readonly line?: number,
    readonly pos?: number,
    readonly token?: string,
  ) {
    super(message);
  }
}

type Token =
  | {t: 'id'; v: string; at: number}
  | {t: 'str'; v: string; at: number}
  | {t: 'num'; v: number; raw: string; at: number}
  | {t: 'op'; v: string; at: number}
  | {t: 'end'; at: number};

const OPS = ['==', '!=', '=~', '!~', '>=', '<=', '!in', '>', '<', '|', '(', ')', ',', '='];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let v = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          v += text[j + 1];
          j += 2;
        } else v += text[j++];
      }
      if (j >= text.length) throw syntaxAt(text, i, c);
      out.push({t: 'str', v, at: i});
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?[a-z]*/i.exec(text.slice(i));
    if (num) {
      const raw = num[0];
      out.push({t: 'num', v: Number.parseFloat(raw), raw, at: i});
      i += raw.length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      out.push({t: 'id', v: id[0], at: i});
      i += id[0].length;
      // datetime(2026-01-15T10:00:00Z): the literal inside is read as it is written.
      const literal =
        id[0].toLowerCase() === 'datetime' ? /^\s*\(([^)]*)\)/.exec(text.slice(i)) : null;
      if (literal) {
        const open = text.indexOf('(', i);
        out.push({t: 'op', v: '(', at: open});
        out.push({t: 'str', v: literal[1]!.trim(), at: open + 1});
        out.push({t: 'op', v: ')', at: i + literal[0].length - 1});
        i += literal[0].length;
      }
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw syntaxAt(text, i, c);
    out.push({t: 'op', v: op, at: i});
    i += op.length;
  }
  out.push({t: 'end', at: text.length});
  return out;
}

function lineAndPos(text: string, at: number): [number, number] {
  const before = text.slice(0, at).split('\n');
  return [before.length, before[before.length - 1]!.length];
}

function syntaxAt(text: string, at: number, token: string): KqlError {
  const [line, pos] = lineAndPos(text, at);
  return new KqlError(
    'SyntaxError',
    'SYN0002',
    `Query could not be parsed at '${token}' on line [${line},${pos}]`,
    line,
    pos,
    token,
  );
}

const semantic = (message: string) => new KqlError('SemanticError', 'SEM0100', message);

type Operand = {k: 'col'; name: string} | {k: 'lit'; v: Value} | {k: 'time'; ms: number};
type Cond =
  | {k: 'and' | 'or'; a: Cond; b: Cond}
  | {k: 'not'; a: Cond}
  | {k: 'cmp'; op: string; l: Operand; r: Operand}
  | {k: 'in'; neg: boolean; l: Operand; list: Value[]};

type Stage =
  | {k: 'where'; cond: Cond}
  | {k: 'project'; cols: {name: string; from: string}[]}
  | {k: 'order'; keys: {col: string; desc: boolean}[]}
  | {k: 'take'; n: number}
  | {k: 'summarize'; name: string; by: string[]};

export interface ParsedQuery {
  table: string;
  stages: Stage[];
}

/** Parses a timespan literal (`15m`, `1h`, `24h`, `7d`, `30s`, `100ms`) into milliseconds. */
export function timespanMs(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(d|h|m|s|ms)$/i.exec(raw);
  if (!m) return undefined;
  const unit = {d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1}[
    m[2]!.toLowerCase() as 'd' | 'h' | 'm' | 's' | 'ms'
  ];
  return Number.parseFloat(m[1]!) * unit;
}

export function parseQuery(text: string, now: number): ParsedQuery {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const fail = (tok: Token = peek()): never => {
    throw syntaxAt(
      text,
      tok.at,
      tok.t === 'end' ? '<end of query>' : tok.t === 'num' ? tok.raw : String(tok.v),
    );
  };
  const isOp = (v: string, tok = peek()) => tok.t === 'op' && tok.v === v;
  const isWord = (v: string, tok = peek()) => tok.t === 'id' && tok.v.toLowerCase() === v;
  const expectOp = (v: string) => {
    if (!isOp(v)) fail();
    next();
  };
  const ident = (): string => {
    const tok = next();
    if (tok.t !== 'id') fail(tok);
    return (tok as {v: string}).v;
  };

  const literal = (): Value => {
    const tok = next();
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') {
      if (!/^\d+(\.\d+)?$/.test(tok.raw)) fail(tok);
      return tok.v;
    }
    if (tok.t === 'id' && (tok.v === 'true' || tok.v === 'false')) return tok.v === 'true';
    return fail(tok);
  };

  const operand = (): Operand => {
    const tok = peek();
    if (tok.t === 'id' && isOp('(', toks[p + 1])) {
      const fn = tok.v.toLowerCase();
      next();
      next();
      if (fn === 'ago') {
        const arg = next();
        const ms = arg.t === 'num' ? timespanMs(arg.raw) : undefined;
        if (ms === undefined) fail(arg);
        expectOp(')');
        return {k: 'time', ms: now - ms!};
      }
      if (fn === 'now') {
        expectOp(')');
        return {k: 'time', ms: now};
      }
      if (fn === 'datetime') {
        let raw = '';
        while (!isOp(')') && peek().t !== 'end') {
          const t = next();
          raw += t.t === 'num' ? t.raw : t.t === 'end' ? '' : String(t.v);
        }
        expectOp(')');
        const ms = Date.parse(raw);
        if (Number.isNaN(ms)) throw semantic(`datetime(${raw}): not a valid datetime literal`);
        return {k: 'time', ms};
      }
      throw semantic(
        `The function '${tok.v}' is not part of the sandbox's query subset (ago, now, datetime, count).`,
      );
    }
    if (tok.t === 'id' && tok.v !== 'true' && tok.v !== 'false') {
      next();
      return {k: 'col', name: tok.v};
    }
    return {k: 'lit', v: literal()};
  };

  const primary = (): Cond => {
    if (isOp('(')) {
      next();
      const c = orExpr();
      expectOp(')');
      return c;
    }
    if (isWord('not') && isOp('(', toks[p + 1])) {
      next();
      next();
      const c = orExpr();
      expectOp(')');
      return {k: 'not', a: c};
    }
    const l = operand();
    const tok = peek();
    if (isWord('in') || isOp('!in')) {
      next();
      expectOp('(');
      const list: Value[] = [literal()];
      while (isOp(',')) {
        next();
        list.push(literal());
      }
      expectOp(')');
      return {k: 'in', neg: tok.t === 'op', l, list};
    }
    if (tok.t === 'op' && ['==', '!=', '=~', '!~', '>=', '<=', '>', '<'].includes(tok.v)) {
      next();
      return {k: 'cmp', op: tok.v, l, r: operand()};
    }
    return fail();
  };
  const andExpr = (): Cond => {
    let c = primary();
    while (isWord('and')) {
      next();
      c = {k: 'and', a: c, b: primary()};
    }
    return c;
  };
  const orExpr = (): Cond => {
    let c = andExpr();
    while (isWord('or')) {
      next();
      c = {k: 'or', a: c, b: andExpr()};
    }
    return c;
  };

  const sortKeys = (): {col: string; desc: boolean}[] => {
    const keys: {col: string; desc: boolean}[] = [];
    do {
      if (keys.length) next();
      const col = ident();
      let desc = true; // Kusto sorts descending unless told otherwise.
      if (isWord('asc') || isWord('desc')) desc = isDesc(next());
      keys.push({col, desc});
    } while (isOp(','));
    return keys;
  };
  const count = (): number => {
    const tok = next();
    if (tok.t !== 'num' || !/^\d+$/.test(tok.raw)) fail(tok);
    return (tok as {v: number}).v;
  };

  const table = ident();
  const stages: Stage[] = [];
  while (peek().t !== 'end') {
    expectOp('|');
    const opTok = peek();
    const op = ident().toLowerCase();
    if (op === 'where') stages.push({k: 'where', cond: orExpr()});
    else if (op === 'project') {
      const cols: {name: string; from: string}[] = [];
      do {
        if (cols.length) next();
        const a = ident();
        if (isOp('=')) {
          next();
          cols.push({name: a, from: ident()});
        } else cols.push({name: a, from: a});
      } while (isOp(','));
      stages.push({k: 'project', cols});
    } else if (op === 'order' || op === 'sort') {
      if (!isWord('by')) fail();
      next();
      stages.push({k: 'order', keys: sortKeys()});
    } else if (op === 'take' || op === 'limit') stages.push({k: 'take', n: count()});
    else if (op === 'top') {
      const n = count();
      if (!isWord('by')) fail();
      next();
      stages.push({k: 'order', keys: sortKeys()}, {k: 'take', n});
    } else if (op === 'summarize') {
      let name = 'count_';
      if (peek().t === 'id' && isOp('=', toks[p + 1])) {
        name = ident();
        next();
      }
      if (!isWord('count')) {
        throw semantic(
          `summarize: only count() is part of the sandbox's query subset (at '${String((peek() as {v?: unknown}).v ?? '')}').`,
        );
      }
      next();
      expectOp('(');
      expectOp(')');
      const by: string[] = [];
      if (isWord('by')) {
        next();
        do {
          if (by.length) next();
          by.push(ident());
        } while (isOp(','));
      }
      stages.push({k: 'summarize', name, by});
    } else {
      throw semantic(
        `The '${(opTok as {v: string}).v}' operator is not part of the sandbox's query subset (where, project, order by, sort by, take, limit, top, summarize count() by).`,
      );
    }
    if (peek().t !== 'end' && !isOp('|')) fail();
  }
  return {table, stages};
}

const isDesc = (tok: Token) => tok.t === 'id' && tok.v.toLowerCase() === 'desc';

/** Runs a parsed query over rows whose columns have the given types. */
export function runQuery(
  q: ParsedQuery,
  schema: {name: string; type: ColumnType}[],
  input: Row[],
): Table {
  let columns = schema.map((c) => ({...c}));
  let rows = input.map((r) => ({...r}));
  const typeOf = (name: string, where: string): ColumnType => {
    const c = columns.find((x) => x.name === name);
    if (!c) {
      throw semantic(`'${where}' operator: Failed to resolve scalar expression named '${name}'`);
    }
    return c.type;
  };
  for (const stage of q.stages) {
    if (stage.k === 'where') {
      checkCond(stage.cond, (n) => typeOf(n, 'where'));
      rows = rows.filter((r) => evalCond(stage.cond, r, columns));
    } else if (stage.k === 'project') {
      const next = stage.cols.map((c) => ({name: c.name, type: typeOf(c.from, 'project')}));
      rows = rows.map((r) =>
        Object.fromEntries(stage.cols.map((c) => [c.name, r[c.from] ?? null])),
      );
      columns = next;
    } else if (stage.k === 'order') {
      for (const k of stage.keys) typeOf(k.col, 'order');
      rows.sort((a, b) => {
        for (const k of stage.keys) {
          const d = compare(a[k.col] ?? null, b[k.col] ?? null);
          if (d !== 0) return k.desc ? -d : d;
        }
        return 0;
      });
    } else if (stage.k === 'take') {
      rows = rows.slice(0, stage.n);
    } else {
      const by = stage.by.map((n) => ({name: n, type: typeOf(n, 'summarize')}));
      const groups = new Map<string, Row>();
      for (const r of rows) {
        const key = JSON.stringify(stage.by.map((n) => r[n] ?? null));
        const g = groups.get(key) ?? {
          ...Object.fromEntries(stage.by.map((n) => [n, r[n] ?? null])),
          [stage.name]: 0,
        };
        g[stage.name] = (g[stage.name] as number) + 1;
        groups.set(key, g);
      }
      if (stage.by.length === 0 && groups.size === 0) groups.set('', {[stage.name]: 0});
      columns = [...by, {name: stage.name, type: 'long'}];
      rows = [...groups.values()];
    }
  }
  return {columns, rows: rows.map((r) => columns.map((c) => r[c.name] ?? null))};
}

function checkCond(c: Cond, typeOf: (name: string) => ColumnType): void {
  switch (c.k) {
    case 'and':
    case 'or':
      checkCond(c.a, typeOf);
      checkCond(c.b, typeOf);
      return;
    case 'not':
      checkCond(c.a, typeOf);
      return;
    case 'in':
      if (c.l.k === 'col') typeOf(c.l.name);
      return;
    case 'cmp':
      for (const o of [c.l, c.r]) if (o.k === 'col') typeOf(o.name);
  }
}

function value(o: Operand, row: Row, columns: {name: string; type: ColumnType}[]): Value {
  if (o.k === 'lit') return o.v;
  if (o.k === 'time') return o.ms;
  const v = row[o.name] ?? null;
  const type = columns.find((c) => c.name === o.name)?.type;
  return type === 'datetime' && typeof v === 'string' ? Date.parse(v) : v;
}

/** Numbers compare as numbers (a string of digits included, as `ResponseCode != "200"` is written). */
function compare(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const na = typeof a === 'number' ? a : Number(a);
  const nb = typeof b === 'number' ? b : Number(b);
  if ((typeof a === 'number' || typeof b === 'number') && !Number.isNaN(na) && !Number.isNaN(nb))
    return na - nb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function evalCond(c: Cond, row: Row, columns: {name: string; type: ColumnType}[]): boolean {
  switch (c.k) {
    case 'and':
      return evalCond(c.a, row, columns) && evalCond(c.b, row, columns);
    case 'or':
      return evalCond(c.a, row, columns) || evalCond(c.b, row, columns);
    case 'not':
      return !evalCond(c.a, row, columns);
    case 'in': {
      const v = value(c.l, row, columns);
      const found = c.list.some((x) => compare(v, x) === 0);
      return c.neg ? !found : found;
    }
    case 'cmp': {
      const l = value(c.l, row, columns);
      const r = value(c.r, row, columns);
      if (c.op === '=~' || c.op === '!~') {
        const same = String(l ?? '').toLowerCase() === String(r ?? '').toLowerCase();
        return c.op === '=~' ? same : !same;
      }
      if (l === null || r === null) return c.op === '!=' ? l !== r : c.op === '==' && l === r;
      const d = compare(l, r);
      switch (c.op) {
        case '==':
          return d === 0;
        case '!=':
          return d !== 0;
        case '<':
          return d < 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        default:
          return d >= 0;
      }
    }
  }
}
