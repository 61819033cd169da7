// Bundles the CLI into dist/ with esbuild: one entry (dist/cli.js) plus lazily loaded chunks, so the
// first frame renders before the Azure SDKs are imported. `--release` (npm pack runs it) leaves out
// the source maps, which only help a local debugger.
import {build} from 'esbuild';
import {chmod, readFile, rm} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const release = process.argv.includes('--release');
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await rm(new URL('../dist', import.meta.url), {recursive: true, force: true});
await build({
  entryPoints: {cli: 'cli.tsx'},
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
  },
  // @azure/identity's browser sign-in imports `open`, which throws where no browser can be
  // launched; ours hands the URL to the sign-in screen instead (vitest.config.ts does the same).
  alias: {open: fileURLToPath(new URL('../source/lib/browser-opener.ts', import.meta.url))},
  // Ink loads react-devtools-core only in development; the keyring package is optional.
  external: ['react-devtools-core', '@azure/identity-cache-persistence', 'keytar'],
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import {createRequire as __amlCreateRequire} from 'node:module';",
      'const require = __amlCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
await chmod(new URL('../dist/cli.js', import.meta.url), 0o755);
