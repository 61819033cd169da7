// esbuild plugins shared by scripts/build.mjs and bench/startup.mjs (which builds its baselines
// the same way).
import {readFile} from 'node:fs/promises';
import {createRequire, isBuiltin} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const require = createRequire(import.meta.url);

/**
 * Ink's layout engine, yoga-layout, ships its WebAssembly as a base64 data: URL inside the
 * emscripten loader, and loads it with fetch() where there is one: that makes Node load its whole
 * HTTP client (undici) and decode the bytes in JavaScript before the first frame. Here the bytes
 * are taken out of the loader and handed to it decoded (`wasmBinary`, emscripten's own option), so
 * it instantiates them directly. The module yoga-layout exports is otherwise its own index.
 */
export const yogaFromBytes = {
  name: 'yoga-from-bytes',
  setup(b) {
    const root = join(dirname(require.resolve('yoga-layout')), '../..');
    const loader = join(root, 'dist/binaries/yoga-wasm-base64-esm.js');
    b.onResolve({filter: /^yoga-layout$/}, () => ({path: 'yoga-layout', namespace: 'yoga-bytes'}));
    b.onLoad({filter: /.*/, namespace: 'yoga-bytes'}, () => ({
      resolveDir: join(root, 'dist/src'),
      contents: [
        "import loadYoga, {wasmBase64} from '../binaries/yoga-wasm-base64-esm.js';",
        "import wrapAssembly from './wrapAssembly.js';",
        "const Yoga = wrapAssembly(await loadYoga({wasmBinary: Buffer.from(wasmBase64, 'base64')}));",
        'export default Yoga;',
        "export * from './generated/YGEnums.js';",
      ].join('\n'),
    }));
    b.onLoad({filter: /yoga-wasm-base64-esm\.js$/}, async (args) => {
      if (args.path !== loader) return undefined;
      const source = await readFile(args.path, 'utf8');
      const prefix = 'data:application/octet-stream;base64,';
      const m = new RegExp(`"${prefix}([A-Za-z0-9+/=]+)"`).exec(source);
      if (!m) throw new Error(`yoga-layout: no embedded WebAssembly found in ${args.path}`);
      return {
        contents: `${source.replace(m[0], `"${prefix}"`)}\nexport const wasmBase64 = ${JSON.stringify(m[1])};\n`,
      };
    });
  },
};

const FAST_STRING_WIDTH = fileURLToPath(new URL('../source/lib/string-width.ts', import.meta.url));

/**
 * Every import of string-width (Ink's, wrap-ansi's, cli-truncate's, …) gets source/lib/string-width.ts,
 * which answers the one-column characters a screen is made of at once and hands anything else to
 * string-width itself (its own import of string-width resolves as usual).
 */
export const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({filter: /^string-width$/}, (args) =>
      args.importer === FAST_STRING_WIDTH ? undefined : {path: FAST_STRING_WIDTH},
    );
  },
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * An ESM import of a Node builtin (`import {join} from 'node:path'`) makes Node build a module
 * facade of all its exports, about a millisecond each for node:fs, node:process, node:os, … at
 * every start. Here each such import gets a module of the bundle that takes the builtin from
 * process.getBuiltinModule (Node ≥ 22.3) and exports its members, read once when the bundle's
 * module runs, as the facade does. require() calls (CommonJS packages) are left as they are.
 */
export const builtinsWithoutFacades = {
  name: 'builtins-without-facades',
  setup(b) {
    b.onResolve({filter: /^[a-z_/:]+$/}, (args) => {
      if (args.kind !== 'import-statement' && args.kind !== 'dynamic-import') return undefined;
      if (!isBuiltin(args.path)) return undefined;
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      // One copy per importer: shared by several, it would be a chunk of its own to load.
      return {path: `${name}?${args.importer}`, namespace: 'builtin', sideEffects: false};
    });
    b.onLoad({filter: /.*/, namespace: 'builtin'}, async (args) => {
      const name = args.path.slice(0, args.path.indexOf('?'));
      const real = await import(name);
      const names = Object.keys(real).filter((n) => n !== 'default' && IDENTIFIER.test(n));
      return {
        loader: 'js',
        // Each member read by a call marked pure, so esbuild drops the ones an importer does not
        // use (and never touches getters such as process.stdout for an importer that does not).
        contents: [
          `const m = process.getBuiltinModule(${JSON.stringify(name)});`,
          'const member = (k) => m[k];',
          'export default m;',
          ...names.map((n) => `export const ${n} = /* @__PURE__ */ member(${JSON.stringify(n)});`),
        ].join('\n'),
      };
    });
  },
};
