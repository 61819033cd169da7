// The esbuild options of the CLI's bundle and its launcher, shared by scripts/build.mjs and
// bench/startup.mjs (which builds the bundle without one technique at a time, to measure what each
// buys). See README "Performance".
import {fileURLToPath} from 'node:url';
import {builtinsWithoutFacades, fastStringWidth, yogaFromBytes} from './esbuild-plugins.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The start-up techniques bench/startup.mjs can leave out one at a time. */
export const TECHNIQUES = {
  yogaFromBytes: "yoga's WebAssembly as bytes",
  fastStringWidth: "string-width's wider fast path",
  builtinsWithoutFacades: 'builtins without ESM facades',
  minify: 'minified whitespace and syntax',
};

/**
 * `version` goes into the bundle; `release` leaves out the source maps, which only help a local
 * debugger; `without` names TECHNIQUES to leave out.
 */
export function cliBuildOptions({version, release = false, without = [], outdir}) {
  const on = (t) => !without.includes(t);
  const plugins = {yogaFromBytes, fastStringWidth, builtinsWithoutFacades};
  return {
    absWorkingDir: ROOT,
    entryPoints: {main: 'cli.tsx'},
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Prefer packages' ESM builds: a dynamic import() of a CommonJS build gives a namespace whose
    // named exports sit under `default` in the bundle (e.g. the @azure/arm-* clients).
    mainFields: ['module', 'main'],
    target: 'node22',
    sourcemap: release ? false : 'linked',
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    define: {
      'process.env.AML_AUTH_VERSION': JSON.stringify(version),
      // React's production build: the development one (the default without this) is 3× the code
      // and checks every render. Tests of the screens run on the sources, with React's checks.
      'process.env.NODE_ENV': '"production"',
    },
    plugins: Object.entries(plugins).flatMap(([name, plugin]) => (on(name) ? [plugin] : [])),
    // A third less to install (the first frame does not measurably change); names are kept, so a
    // --debug stack trace still names its functions.
    minifyWhitespace: on('minify'),
    minifySyntax: on('minify'),
    // @azure/identity's browser sign-in imports `open`, which throws where no browser can be
    // launched; ours hands the URL to the sign-in screen instead (vitest.config.ts does the same).
    alias: {open: fileURLToPath(new URL('../source/lib/browser-opener.ts', import.meta.url))},
    // Ink loads react-devtools-core only in development; the keyring package is optional.
    external: ['react-devtools-core', '@azure/identity-cache-persistence', 'keytar'],
    // require() for the CommonJS packages in an ES module bundle (process.getBuiltinModule, not an
    // import of node:module, where builtinsWithoutFacades is on).
    banner: {
      js: on('builtinsWithoutFacades')
        ? "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);"
        : "import {createRequire as __amlCreateRequire} from 'node:module';\nconst require = __amlCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

/**
 * dist/cli.js, the package's bin. It answers `--version` and the help pages before anything is
 * loaded (a help page only where it is what the CLI would print: in a pipe or on a terminal at
 * least as wide as the pages; see HELP_WIDTH in source/commands/program.ts). Otherwise it turns on
 * Node's compile cache (module.enableCompileCache, Node ≥ 22.1; in Node's default per-user folder,
 * off with NODE_DISABLE_COMPILE_CACHE=1), which only helps modules loaded after it runs, then
 * imports the bundle.
 */
export function launcherSource(version, helpWidth = 80) {
  return `#!/usr/bin/env node
// Builtins from process.getBuiltinModule (Node ≥ 22.3): an ESM import of one builds its module
// facade first, which costs more than the whole of printing a page.
const {fstatSync, readFileSync, writeSync} = process.getBuiltinModule('node:fs');
const module = process.getBuiltinModule('node:module');
const a = process.argv.slice(2);
function out(text) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(1, bytes, done);
    } catch (err) {
      if (err.code !== 'EAGAIN') return; // stdout closed early (| head): nothing more to say
    }
  }
}
/** The page for \`[command…] --help|-h\`, if the build wrote it. */
function helpPage() {
  if (a.length === 0 || (a.at(-1) !== '--help' && a.at(-1) !== '-h')) return undefined;
  const path = a.slice(0, -1);
  if (path.some((p) => p.startsWith('-'))) return undefined;
  if (!path.every((p) => /^[a-z]+$/.test(p))) return undefined;
  try {
    // Only a terminal can be too narrow; process.stdout is looked at only then (making it, for a
    // pipe, loads node:net).
    const terminal = fstatSync(1).isCharacterDevice() && process.stdout.isTTY;
    if (terminal && (process.stdout.columns || ${helpWidth}) < ${helpWidth}) return undefined;
    return readFileSync(\`\${import.meta.dirname}/help/\${['aml-auth', ...path].join('-')}.txt\`);
  } catch {
    return undefined; // no page for that: the CLI says what is wrong
  }
}
let page;
if (a.length === 1 && (a[0] === '--version' || a[0] === '-V')) {
  out(${JSON.stringify(version + '\n')});
} else if ((page = helpPage()) !== undefined) {
  out(page);
} else {
  try {
    module.enableCompileCache?.();
    // Node writes the cache when the process exits normally; written once the first screen is
    // up too, so a start that ends otherwise (a killed terminal) still leaves it for the next.
    setTimeout(() => module.flushCompileCache?.(), 1500).unref();
  } catch {
    // no cache: start as usual
  }
  await import('./main.js');
}
`;
}
