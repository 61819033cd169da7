/**
 * A small loader for the official Swagger 2.0 documents in `../shared/azure-specs/` that turns
 * "the 200 response of operation X" into a JSON Schema validator (Ajv 8), plus a stricter walk that
 * reports properties a response carries but the schema never declares.
 *
 * How Swagger is mapped onto JSON Schema (draft-07, what Ajv speaks):
 * - `$ref`s are rewritten into absolute ids (`https://azure-specs.local/<file>#/definitions/X`), so
 *   cross-file refs resolve. The specs keep the paths of the spec repository
 *   (`specification/<service>/resource-manager/<ns>/stable/<version>/`): `../../../../../common-types/`
 *   means this folder's `common-types/`; a bare or `./` file name is the file beside the referrer
 *   (CONTRACT.md, header). `v1/types.json` is not saved: its `ErrorResponse` (what `CloudError.error`
 *   of subscriptions.json names) is the `{code, message, target, details, additionalInfo}` object
 *   that v2 calls `ErrorDetail` (CONTRACT.md §0: "CloudError -> v1 ErrorResponse, same `error`
 *   wrapper"), so it is read from there.
 * - Nullability follows Azure's own validator (oav, `nullableTransformer`): a property is nullable
 *   when it says `x-nullable: true`, or when it is not `required` and does not say
 *   `x-nullable: false`. Array items and map values are nullable only with `x-nullable: true`.
 * - `discriminator` (a string in Swagger, an object in Ajv) is dropped; `x-ms-*`, `readOnly`,
 *   `example` are annotations (`strict: false`).
 * - `additionalProperties: false` is dropped for Ajv: in Swagger it closes the *composed* model
 *   (with its `allOf` parents), which JSON Schema cannot say. {@link Specs.undeclared} checks it
 *   instead, for every object, following `$ref`, `allOf` and known discriminator subtypes.
 * - Formats Swagger/Azure use that JSON Schema lacks (int32, int64, double, uuid, duration with
 *   fractions, arm-id, unixtime, …) are registered as simple checks.
 */
import Ajv, {type ErrorObject, type ValidateFunction} from 'ajv';
import addFormats from 'ajv-formats';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {posix} from 'node:path';
import {fileURLToPath} from 'node:url';

/** `../shared/azure-specs/` beside the project, found from this file (test/contract/). */
export const SPECS_URL = new URL('../../../shared/azure-specs/', import.meta.url);
export const SPECS_DIR = fileURLToPath(SPECS_URL);
export const specsAvailable = existsSync(new URL('CONTRACT.md', SPECS_URL));

const BASE = 'https://azure-specs.local/';
/** Files referenced but not saved, read from a file of the same shape (CONTRACT.md header). */
const ALIASES: Record<string, string> = {
  'common-types/resource-management/v1/types.json':
    'common-types/resource-management/v2/types.json',
};
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'] as const;

export type Schema = {[key: string]: unknown};
export interface CheckResult {
  /** Ajv errors and undeclared properties, one readable line each. Empty when the body conforms. */
  errors: string[];
}
export interface CheckOptions {
  /**
   * Undeclared property paths known to be on the real wire, with array indices written `[*]`
   * (e.g. `$.value[*].properties.createdOn`). Every entry needs a source in the caller.
   */
  allowUndeclared?: string[];
  /** Ajv errors to forgive (again: only documented spec-vs-service differences). */
  ignore?: (error: ErrorObject) => boolean;
}
export interface Operation {
  file: string;
  method: string;
  path: string;
  responses: Record<string, {schema?: Schema}>;
}

const isObject = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function listSpecFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(posix.join(dir, rel))) {
    const relPath = rel ? `${rel}/${name}` : name;
    if (statSync(posix.join(dir, relPath)).isDirectory()) {
      if (name !== 'examples') out.push(...listSpecFiles(dir, relPath));
    } else if (name.endsWith('.json')) {
      out.push(relPath);
    }
  }
  return out;
}

/** Rewrites one `$ref` written in `fileRel` into an absolute id. */
function absoluteRef(ref: string, fileRel: string): string {
  const hash = ref.indexOf('#');
  const target = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  let rel: string;
  if (target === '') rel = fileRel;
  else if (/^(\.\.\/)+common-types\//.test(target))
    rel = target.slice(target.indexOf('common-types/'));
  else rel = posix.normalize(posix.join(posix.dirname(fileRel), target));
  const alias = ALIASES[`${rel}#${fragment}`];
  return `${BASE}${alias ?? `${rel}#${fragment}`}`;
}

function rewriteRefs(node: unknown, fileRel: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, fileRel));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string' ? absoluteRef(v, fileRel) : rewriteRefs(v, fileRel);
  }
  return out;
}

const nullable = (schema: unknown): Schema => ({anyOf: [schema, {type: 'null'}]});

const DURATION =
  /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

export class Specs {
  /** Each spec document with absolute `$ref`s, by path relative to the specs folder. */
  readonly documents = new Map<string, Schema>();
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  /**
   * `$ref`s that name a definition the saved files do not hold (the mfe excerpt omits some, see its
   * `x-excerpt-note`). Ajv accepts anything there and the undeclared-property walk treats them as
   * free-form, so tests should assert this list stays what they expect.
   */
  readonly unresolved = new Set<string>();

  constructor(readonly dir: string = SPECS_DIR) {
    this.ajv = new Ajv({strict: false, allErrors: true, validateFormats: true, logger: false});
    addFormats(this.ajv, [
      'date-time',
      'date',
      'time',
      'uri',
      'uri-reference',
      'url',
      'uuid',
      'email',
      'hostname',
      'ipv4',
      'ipv6',
      'byte',
      'password',
      'binary',
    ]);
    const integer = (min: number, max: number) => ({
      type: 'number' as const,
      validate: (n: number) => Number.isInteger(n) && n >= min && n <= max,
    });
    this.ajv.addFormat('int32', integer(-(2 ** 31), 2 ** 31 - 1));
    this.ajv.addFormat('int64', integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    this.ajv.addFormat('unixtime', integer(0, Number.MAX_SAFE_INTEGER));
    this.ajv.addFormat('double', {type: 'number', validate: Number.isFinite});
    this.ajv.addFormat('float', {type: 'number', validate: Number.isFinite});
    this.ajv.addFormat('decimal', {type: 'number', validate: Number.isFinite});
    // ISO 8601 durations as Azure writes them, fractions included (`PT0.5S`).
    this.ajv.addFormat('duration', DURATION);
    // An ARM resource id: `/subscriptions/…` or `/providers/…` (tenant-level resources).
    this.ajv.addFormat('arm-id', /^\/(subscriptions|providers|tenants)\/[^/]+/i);
    this.ajv.addFormat('base64url', /^[A-Za-z0-9_-]*$/);

    for (const rel of listSpecFiles(this.dir)) {
      const raw = JSON.parse(readFileSync(posix.join(this.dir, rel), 'utf8')) as unknown;
      if (!isObject(raw) || raw.swagger !== '2.0') continue;
      const doc = rewriteRefs(raw, rel) as Schema;
      this.documents.set(rel, doc);
    }
    for (const [rel, doc] of this.documents) {
      const definitions: Schema = {};
      for (const [name, def] of Object.entries((doc.definitions as Schema | undefined) ?? {}))
        definitions[name] = this.toAjv(def);
      this.ajv.addSchema({$id: `${BASE}${rel}`, definitions});
    }
  }

  // ---------------------------------------------------------------- lookups

  /** Resolves an absolute `$ref` to the (normalized) Swagger schema it names. */
  resolve(ref: string): Schema {
    const [id, fragment = ''] = ref.split('#');
    const doc = this.documents.get(id!.slice(BASE.length));
    if (!doc) throw new Error(`$ref ${ref}: file not loaded`);
    let node: unknown = doc;
    for (const raw of fragment.split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    if (!isObject(node)) throw new Error(`$ref ${ref}: not found`);
    return node;
  }

  /** Follows `$ref`s; a ref to something not saved resolves to `{}` (free-form) and is recorded. */
  private deref(schema: Schema, seen = new Set<string>()): Schema {
    let s = schema;
    while (typeof s.$ref === 'string' && !seen.has(s.$ref)) {
      seen.add(s.$ref);
      if (!this.resolvable(s.$ref)) {
        this.unresolved.add(s.$ref);
        return {};
      }
      s = this.resolve(s.$ref);
    }
    return s;
  }

  private resolvable(ref: string): boolean {
    try {
      this.resolve(ref);
      return true;
    } catch {
      return false;
    }
  }

  /** The operation with this operationId (optionally only in files whose path contains `file`). */
  operation(operationId: string, file?: string): Operation {
    const found: Operation[] = [];
    for (const [rel, doc] of this.documents) {
      if (file && !rel.includes(file)) continue;
      for (const section of ['paths', 'x-ms-paths']) {
        for (const [path, item] of Object.entries((doc[section] as Schema | undefined) ?? {})) {
          if (!isObject(item)) continue;
          for (const method of METHODS) {
            const op = item[method];
            if (isObject(op) && op.operationId === operationId) {
              found.push({
                file: rel,
                method,
                path,
                responses: op.responses as Operation['responses'],
              });
            }
          }
        }
      }
    }
    if (found.length !== 1)
      throw new Error(`operationId ${operationId}: ${found.length} operations found`);
    return found[0]!;
  }

  /** The response schema of an operation for a status (`'200'`, `'201'`, `'default'`). */
  responseSchema(operationId: string, status: string): Schema {
    const op = this.operation(operationId);
    const schema = op.responses[status]?.schema;
    if (!schema) throw new Error(`${operationId} declares no ${status} response body`);
    return schema;
  }

  /** A schema naming one definition: `definition('common-types/resource-management/v3/types.json', 'ErrorResponse')`. */
  definition(file: string, name: string): Schema {
    return {$ref: `${BASE}${file}#/definitions/${name}`};
  }

  // ---------------------------------------------------------------- Ajv

  private xNullable(schema: unknown): boolean | undefined {
    if (!isObject(schema)) return undefined;
    if (typeof schema['x-nullable'] === 'boolean') return schema['x-nullable'];
    if (typeof schema.$ref === 'string') {
      const target = this.deref(schema);
      if (typeof target['x-nullable'] === 'boolean') return target['x-nullable'];
    }
    return undefined;
  }

  /** One Swagger schema as JSON Schema for Ajv (see the header for the rules). */
  private toAjv(node: unknown): unknown {
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string' && !this.resolvable(node.$ref)) {
      this.unresolved.add(node.$ref);
      return {description: `not saved: ${node.$ref}`};
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'discriminator' && typeof value === 'string') continue;
      if (key === 'additionalProperties' && value === false) continue;
      if (key === 'x-nullable') continue;
      out[key] = value;
    }
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    if (isObject(node.properties)) {
      const props: Schema = {};
      for (const [name, prop] of Object.entries(node.properties)) {
        const converted = this.toAjv(prop);
        const isNullable = this.xNullable(prop) ?? !required.includes(name);
        props[name] = isNullable ? nullable(converted) : converted;
      }
      out.properties = props;
    }
    if (isObject(node.additionalProperties)) {
      const converted = this.toAjv(node.additionalProperties);
      out.additionalProperties =
        this.xNullable(node.additionalProperties) === true ? nullable(converted) : converted;
    }
    if (isObject(node.items)) {
      const converted = this.toAjv(node.items);
      out.items = this.xNullable(node.items) === true ? nullable(converted) : converted;
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map((s) => this.toAjv(s));
    }
    return out;
  }

  private compile(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(this.toAjv(schema) as Schema);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Ajv errors of `body` against a (Swagger) schema, one readable line each. */
  validate(schema: Schema, body: unknown, ignore?: (e: ErrorObject) => boolean): string[] {
    const fn = this.compile(schema);
    if (fn(body)) return [];
    return (fn.errors ?? [])
      .filter((e) => !ignore?.(e))
      .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  }

  // ---------------------------------------------------------------- undeclared properties

  /**
   * Paths (`$.a.b[0].c`) of every property in `instance` that the schema does not declare:
   * properties of the object and of its `allOf` parents, of the discriminator subtype named by the
   * instance when that subtype is in the loaded documents. Maps (`additionalProperties` a schema
   * or `true`) take any key, their values are walked; an object schema that declares nothing at
   * all is free-form.
   */
  undeclared(schema: Schema, instance: unknown, path = '$'): string[] {
    const s = this.deref(schema);
    if (Array.isArray(instance)) {
      if (!isObject(s.items)) return [];
      return instance.flatMap((item, i) =>
        this.undeclared(s.items as Schema, item, `${path}[${i}]`),
      );
    }
    if (!isObject(instance)) return [];
    const shape = {properties: new Map<string, Schema>(), maps: [] as Schema[], open: false};
    this.collect(schema, instance, shape, new Set());
    if (shape.properties.size === 0 && shape.maps.length === 0) return []; // free-form
    const out: string[] = [];
    for (const [key, value] of Object.entries(instance)) {
      const prop = shape.properties.get(key);
      const at = /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${path}.${key}`
        : `${path}[${JSON.stringify(key)}]`;
      if (prop) out.push(...this.undeclared(prop, value, at));
      else if (shape.maps.length)
        shape.maps.forEach((m) => out.push(...this.undeclared(m, value, at)));
      else if (!shape.open) out.push(at);
    }
    return [...new Set(out)];
  }

  private collect(
    schema: Schema,
    instance: Schema,
    shape: {properties: Map<string, Schema>; maps: Schema[]; open: boolean},
    seen: Set<string>,
  ): void {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (ref) {
      if (seen.has(ref)) return;
      seen.add(ref);
    }
    const s = this.deref(schema);
    for (const parent of Array.isArray(s.allOf) ? (s.allOf as Schema[]) : [])
      this.collect(parent, instance, shape, seen);
    for (const [name, prop] of Object.entries(isObject(s.properties) ? s.properties : {}))
      if (!shape.properties.has(name)) shape.properties.set(name, prop as Schema);
    if (s.additionalProperties === true) shape.open = true;
    else if (isObject(s.additionalProperties)) shape.maps.push(s.additionalProperties);
    if (typeof s.discriminator === 'string' && ref) {
      const value = instance[s.discriminator];
      const sub = typeof value === 'string' ? this.subtype(ref, value) : undefined;
      if (sub) this.collect(sub, instance, shape, seen);
    }
  }

  /** The definition that extends `baseRef` with `x-ms-discriminator-value` (or name) `value`. */
  private subtype(baseRef: string, value: string): Schema | undefined {
    const file = baseRef.slice(BASE.length).split('#')[0]!;
    const definitions = (this.documents.get(file)?.definitions as Schema | undefined) ?? {};
    for (const [name, def] of Object.entries(definitions)) {
      if (!isObject(def) || !Array.isArray(def.allOf)) continue;
      const extendsBase = (def.allOf as Schema[]).some((p) => p.$ref === baseRef);
      if (extendsBase && (def['x-ms-discriminator-value'] ?? name) === value)
        return {$ref: `${BASE}${file}#/definitions/${name}`};
    }
    return undefined;
  }

  // ---------------------------------------------------------------- the check tests use

  /** Schema errors plus undeclared properties of `body` against a schema. */
  checkSchema(schema: Schema, body: unknown, options: CheckOptions = {}): CheckResult {
    const allowed = new Set(options.allowUndeclared ?? []);
    const undeclared = this.undeclared(schema, body)
      .filter((p) => !allowed.has(p.replace(/\[\d+\]/g, '[*]')))
      .map((p) => `${p} is not declared by the schema`);
    return {errors: [...this.validate(schema, body, options.ignore), ...undeclared]};
  }

  /** Schema errors plus undeclared properties of a response body of an operation. */
  check(operationId: string, status: string, body: unknown, options?: CheckOptions): CheckResult {
    return this.checkSchema(this.responseSchema(operationId, status), body, options);
  }

  /** An example file's response body, e.g. `example('Microsoft.Resources/2022-12-01/examples/GetSubscriptions.json', '200')`. */
  example(file: string, status: string): unknown {
    const raw = JSON.parse(readFileSync(posix.join(this.dir, file), 'utf8')) as {
      responses: Record<string, {body?: unknown}>;
    };
    return raw.responses[status]?.body;
  }
}

export function loadSpecs(dir: string = SPECS_DIR): Specs {
  return new Specs(dir);
}
