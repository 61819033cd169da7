// esbuild plugins shared by scripts/build.mjs and bench/startup.mjs (which builds its baselines
// the same way).
import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
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
