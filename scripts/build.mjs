// Bundles the CLI into dist/ with esbuild: one entry (dist/main.js) plus lazily loaded chunks, so the
// first frame renders before the Azure SDKs are imported; every command's help page
// (dist/help/); and the launcher, dist/cli.js. The options are in build-options.mjs.
// `--release` (npm pack runs it) leaves out the source maps, which only help a local debugger.
import {build} from 'esbuild';
import {chmod, readFile, rm, writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {cliBuildOptions, launcherSource} from './build-options.mjs';
import {writeHelpPages} from './help-pages.mjs';

const release = process.argv.includes('--release');
const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

await rm(dist(''), {recursive: true, force: true});
await build(cliBuildOptions({version: pkg.version, release, outdir: dist('')}));
const helpWidth = await writeHelpPages(dist('help'), {
  define: {'process.env.AML_AUTH_VERSION': JSON.stringify(pkg.version)},
});
await writeFile(dist('cli.js'), launcherSource(pkg.version, helpWidth));
await chmod(dist('cli.js'), 0o755);
