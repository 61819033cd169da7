// Bundles the CLI into dist/ with esbuild: one entry (dist/cli.js) plus lazily loaded chunks, so the
// first frame renders before the Azure SDKs are imported. `--release` (npm pack runs it) leaves out
// the source maps, which only help a local debugger.
import {build} from 'esbuild';
import {chmod, readFile, rm, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {fastStringWidth, yogaFromBytes} from './esbuild-plugins.mjs';

const release = process.argv.includes('--release');
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await rm(new URL('../dist', import.meta.url), {recursive: true, force: true});
await build({
  entryPoints: {main: 'cli.tsx'},
  outdir: 'dist',
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
    'process.env.AML_AUTH_VERSION': JSON.stringify(pkg.version),
    // React's production build: the development one (the default without this) is 3× the code
    // and checks every render. Tests of the screens run on the sources, with React's checks.
    'process.env.NODE_ENV': '"production"',
  },
  // @azure/identity's browser sign-in imports `open`, which throws where no browser can be
  // launched; ours hands the URL to the sign-in screen instead (vitest.config.ts does the same).
  plugins: [yogaFromBytes, fastStringWidth],
  // Less text to read and hash at each start, and less to parse for what the compile cache does
  // not hold; names are kept, so a --debug stack trace still names its functions.
  minifyWhitespace: true,
  minifySyntax: true,
  alias: {open: fileURLToPath(new URL('../source/lib/browser-opener.ts', import.meta.url))},
  // Ink loads react-devtools-core only in development; the keyring package is optional.
  external: ['react-devtools-core', '@azure/identity-cache-persistence', 'keytar'],
  banner: {
    js: [
      "import {createRequire as __amlCreateRequire} from 'node:module';",
      'const require = __amlCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
// The launcher (dist/cli.js, the package's bin): `--version` answers before anything is loaded;
// otherwise it turns on Node's compile cache (module.enableCompileCache, Node ≥ 22.1; in Node's
// default per-user folder, off with NODE_DISABLE_COMPILE_CACHE=1), which only helps modules loaded
// after it runs, then imports the bundle. See README "Performance".
const launcher = `#!/usr/bin/env node
import module from 'node:module';
const a = process.argv;
if (a.length === 3 && (a[2] === '--version' || a[2] === '-V')) {
  process.stdout.write(${JSON.stringify(pkg.version + '\n')});
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
await writeFile(new URL('../dist/cli.js', import.meta.url), launcher);
await chmod(new URL('../dist/cli.js', import.meta.url), 0o755);
