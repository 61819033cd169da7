/**
 * Property-based tests (fast-check) for what takes input from people and files: the name and ID
 * validators, the request-file checks, the cloud-file reader and the profile store. Each property
 * states a rule for every input of a kind, not for a few hand-picked ones.
 */
import fc from 'fast-check';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {CloudError, readCloudFile} from '../../source/azure/clouds';
import {
  deploymentNameProblem,
  endpointNameProblem,
  guidProblem,
  tenantProblem,
} from '../../source/domain/validate';
import {MAX_PAYLOAD_BYTES, validateRequestText} from '../../source/lib/request-file';
import {
  isProfileError,
  isValidProfileName,
  openProfileStore,
  type ProfileInput,
} from '../../source/profiles';

const RUNS = {numRuns: 300};
const tmp = mkdtempSync(join(tmpdir(), 'aml-auth-properties-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

/** Strings that mix the characters a name rule is about with anything else. */
const nameLike = fc.oneof(
  fc.string({maxLength: 40}),
  fc.stringMatching(/^[a-zA-Z0-9_-]{0,40}$/),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,34}$/),
  // Every length around the limits, valid characters only.
  fc
    .tuple(fc.nat(40), fc.constantFrom('a', 'b1', 'c-d', 'e_'))
    .map(([n, unit]) => unit.repeat(n).slice(0, n)),
);

const oneLine = (text: string) => !/[\r\n]/.test(text) && text.length > 0;

describe('name and ID validators', () => {
  it("endpoint names: valid exactly when Azure's rule holds, else one line of reason", () => {
    const azureRule = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;
    fc.assert(
      fc.property(nameLike, (name) => {
        const problem = endpointNameProblem(name);
        expect(problem === undefined).toBe(azureRule.test(name));
        if (problem !== undefined) expect(oneLine(problem)).toBe(true);
      }),
      RUNS,
    );
  });

  it('deployment names: valid exactly when a Resource Manager path segment rule holds', () => {
    const rule = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
    fc.assert(
      fc.property(fc.oneof(nameLike, fc.stringMatching(/^[a-z0-9_-]{250,260}$/)), (name) => {
        const problem = deploymentNameProblem(name);
        expect(problem === undefined).toBe(rule.test(name));
        if (problem !== undefined) expect(oneLine(problem)).toBe(true);
      }),
      RUNS,
    );
  });

  it('object IDs: every GUID in either case is accepted; anything with a character changed is not', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.boolean(),
        fc.nat(35),
        fc.constantFrom('g', ' ', '-', 'z', ''),
        (id, upper, at, c) => {
          const guid = upper ? id.toUpperCase() : id;
          expect(guidProblem(guid, 'object ID')).toBeUndefined();
          expect(tenantProblem(guid)).toBeUndefined();
          const broken = guid.slice(0, at) + c + guid.slice(at + 1);
          // Every replacement or deletion leaves a non-hex character or a misplaced hyphen.
          if (broken !== guid) {
            expect(guidProblem(broken, 'object ID')).toMatch(/^The object ID is a GUID/);
          }
        },
      ),
      RUNS,
    );
  });

  it('tenants: a domain of labels is accepted; whitespace, slashes and empty labels are not', () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(label, {minLength: 2, maxLength: 4}),
        fc.constantFrom(' ', '/', '..', '@', '\t'),
        fc.nat(),
        (labels, junk, at) => {
          const domain = labels.join('.');
          expect(tenantProblem(domain)).toBeUndefined();
          const i = at % (domain.length + 1);
          const bad = domain.slice(0, i) + junk + domain.slice(i);
          expect(tenantProblem(bad)).toMatch(/^A tenant is a GUID or a domain/);
        },
      ),
      RUNS,
    );
  });
});

describe('request bodies (validateRequestText)', () => {
  it('any JSON document is accepted as it is, with its byte size; a BOM in front is dropped', () => {
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 6}), fc.boolean(), (value, bom) => {
        const text = JSON.stringify(value, null, 1);
        const result = validateRequestText(bom ? `\uFEFF${text}` : text, 'req.json');
        expect(result).toEqual({
          ok: true,
          body: text,
          bytes: Buffer.byteLength(text),
          source: 'req.json',
        });
      }),
      RUNS,
    );
  });

  it('any text: never throws; accepted only when JSON.parse accepts it; refusals are one line with a hint', () => {
    const texts = fc.oneof(
      fc.string({maxLength: 200}),
      fc.jsonValue({maxDepth: 4}).map((v) => JSON.stringify(v)),
      // A strict prefix of an object or array is never complete JSON.
      fc
        .jsonValue({maxDepth: 4})
        .map((v) => JSON.stringify({v}))
        .chain((t) => fc.nat(t.length - 1).map((n) => t.slice(0, n))),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const result = validateRequestText(text, 'req.json');
        let parses = true;
        try {
          JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch {
          parses = false;
        }
        expect(result.ok).toBe(parses && text.replace(/^\uFEFF/, '').trim() !== '');
        if (!result.ok) {
          expect(oneLine(result.problem)).toBe(true);
          expect(result.problem.startsWith('req.json ')).toBe(true);
          expect(result.hint.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('the size limit: over it is refused before parsing, at or under it is not', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 2, max: 4096}),
        fc.integer({min: -2, max: 2}),
        (limit, delta) => {
          const size = Math.max(2, limit + delta);
          const text = `"${'x'.repeat(size - 2)}"`;
          const result = validateRequestText(text, 'req.json', {maxBytes: limit});
          expect(result.ok).toBe(size <= limit);
          if (!result.ok)
            expect(result.problem).toMatch(
              /over the .* limit: the endpoint would refuse it \(413\)$/,
            );
        },
      ),
      RUNS,
    );
    expect(MAX_PAYLOAD_BYTES).toBe(1.5 * 1024 * 1024);
  });

  it('nesting: up to 1000 levels is fine, deeper is refused with its line and column', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 3000}), fc.boolean(), (depth, arrays) => {
        const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
        const text = open.repeat(depth) + '1' + close.repeat(depth);
        const result = validateRequestText(text, 'req.json');
        expect(result.ok).toBe(depth <= 1000);
        if (!result.ok)
          expect(result.problem).toMatch(
            /nested too deeply: more than 1000 levels .* \(at line 1, column \d+\)$/,
          );
      }),
      {numRuns: 60},
    );
  });
});

describe('cloud files (readCloudFile)', () => {
  const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,2}$/);
  const port = fc.option(fc.integer({min: 1, max: 65535}), {nil: undefined});
  const url = fc.tuple(host, port).map(([h, p]) => `https://${h}${p ? `:${p}` : ''}`);
  const validCloud = fc.record({
    name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,20}$/),
    resourceManagerEndpoint: url,
    authorityHost: url,
    managementScope: url.map((u) => `${u}/.default`),
    mlScope: url.map((u) => `${u}/.default`),
  });
  let n = 0;
  const write = (content: string) => {
    const file = join(tmp, `cloud-${n++}.json`);
    writeFileSync(file, content);
    return file;
  };

  it('every valid cloud file reads back with its values (trailing slash on ARM, none on the authority)', async () => {
    await fc.assert(
      fc.asyncProperty(validCloud, async (cloud) => {
        const file = write(JSON.stringify(cloud));
        const read = await readCloudFile(file);
        expect(read).toMatchObject({
          name: cloud.name.trim(),
          resourceManagerEndpoint: `${cloud.resourceManagerEndpoint}/`,
          authorityHost: cloud.authorityHost,
          managementScope: cloud.managementScope,
          mlScope: cloud.mlScope,
          file,
          custom: true,
        });
      }),
      {numRuns: 100},
    );
  });

  it('any other content: a CloudError of one line that names the file, never another exception', async () => {
    const field = fc.constantFrom(
      'name',
      'resourceManagerEndpoint',
      'authorityHost',
      'managementScope',
      'mlScope',
      'caCertFile',
    );
    const broken = fc.oneof(
      fc.string({maxLength: 80}),
      fc.jsonValue({maxDepth: 3}).map((v) => JSON.stringify(v)),
      // A valid file with one field removed or replaced by anything.
      fc
        .tuple(validCloud, field, fc.option(fc.jsonValue({maxDepth: 2}), {nil: undefined}))
        .map(([cloud, key, value]) => {
          const copy: Record<string, unknown> = {...cloud};
          if (value === undefined) delete copy[key];
          else copy[key] = value;
          return JSON.stringify(copy);
        }),
      // http:// where only https:// is allowed.
      validCloud.map((c) =>
        JSON.stringify({...c, authorityHost: c.authorityHost.replace('https:', 'http:')}),
      ),
    );
    await fc.assert(
      fc.asyncProperty(broken, async (content) => {
        const file = write(content);
        let caught: unknown;
        try {
          await readCloudFile(file);
        } catch (err) {
          caught = err;
        }
        if (caught === undefined) return; // the mutation happened to leave a valid file
        expect(caught).toBeInstanceOf(CloudError);
        const message = (caught as Error).message;
        expect(message.startsWith(`cloud file ${file}`)).toBe(true);
        expect(/[\r\n]/.test(message)).toBe(false);
      }),
      {numRuns: 200},
    );
  });
});

describe('the profile store', () => {
  const names = fc.constantFrom('dev', 'prod', 'a.b', 'x_1', 'Z-9', 'bad name', '', '-lead', 'é');
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('save' as const),
      name: names,
      endpoint: fc.constantFrom('e1', 'e2'),
    }),
    fc.record({kind: fc.constant('rename' as const), from: names, to: names}),
    fc.record({kind: fc.constant('remove' as const), name: names}),
  );
  const input = (name: string, endpoint: string): ProfileInput => ({
    name,
    cloud: 'AzureCloud',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    signIn: {method: 'device-code'},
    subscription: {id: '00000000-0000-0000-0000-0000000000aa', name: 'Dev'},
    resourceGroup: 'rg',
    workspace: 'ws',
    endpoint,
    authMode: 'key',
  });

  it('any sequence of saves, renames and removes matches a plain map, and reopening the file shows the same', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, {maxLength: 12}), (ops) => {
        const dir = join(tmp, `store-${run++}`);
        const model = new Map<string, string>();
        for (const o of ops) {
          const {store} = openProfileStore({dir});
          if (o.kind === 'save') {
            const valid = isValidProfileName(o.name);
            try {
              store.save(input(o.name, o.endpoint));
              expect(valid).toBe(true);
              model.set(o.name, o.endpoint);
            } catch (err) {
              expect(valid).toBe(false);
              expect(isProfileError(err, 'invalid-name')).toBe(true);
            }
          } else if (o.kind === 'rename') {
            const ok = model.has(o.from) && !model.has(o.to) && isValidProfileName(o.to);
            try {
              store.rename(o.from, o.to);
              // Renaming to itself is a no-op Azure-style tools also accept.
              expect(ok || (o.from === o.to && model.has(o.from))).toBe(true);
              const endpoint = model.get(o.from)!;
              model.delete(o.from);
              model.set(o.to, endpoint);
            } catch (err) {
              expect(ok).toBe(false);
              expect(isProfileError(err)).toBe(true);
            }
          } else {
            try {
              store.remove(o.name);
              expect(model.has(o.name)).toBe(true);
              model.delete(o.name);
            } catch (err) {
              expect(model.has(o.name)).toBe(false);
              expect(isProfileError(err, 'not-found')).toBe(true);
            }
          }
        }
        const reopened = openProfileStore({dir});
        expect(reopened.recovered).toBeUndefined();
        expect(reopened.quarantined).toBeUndefined();
        const stored = new Map(reopened.store.list().map((p) => [p.name, p.endpoint]));
        expect(stored).toEqual(model);
      }),
      {numRuns: 60},
    );
  });
});
