// Every command's --help page, written at build time into dist/help/, so the launcher
// (dist/cli.js) prints `aml-auth [command…] --help` without loading
// the CLI. The pages are commander's own output for source/commands/program.ts at HELP_WIDTH
// columns, the width help is laid out for on any terminal at least that wide and in pipes;
// test/e2e/help-pages.test.ts checks each against the CLI's own.
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The pages, keyed by command path ('' for the root, 'roles check', …). */
export async function helpPages({define = {}} = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'aml-auth-help-'));
  try {
    const file = join(dir, 'program.mjs');
    await build({
      stdin: {
        contents: "export {buildProgram, HELP_WIDTH} from './source/commands/program';",
        resolveDir: ROOT,
        loader: 'ts',
      },
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      define,
      // What the commands do is not needed to describe them.
      plugins: [
        {
          name: 'no-actions',
          setup(b) {
            b.onResolve({filter: /.*/}, (args) =>
              args.kind === 'dynamic-import' ? {path: args.path, external: true} : undefined,
            );
          },
        },
      ],
      banner: {
        js: "import {createRequire as __amlCreateRequire} from 'node:module';\nconst require = __amlCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    const {buildProgram, HELP_WIDTH} = await import(pathToFileURL(file).href);
    const program = buildProgram({helpWidth: HELP_WIDTH});
    const pages = {};
    const write = process.stdout.write;
    const visit = (cmd, path) => {
      let text = '';
      process.stdout.write = (chunk) => ((text += String(chunk)), true);
      try {
        cmd.outputHelp();
      } finally {
        process.stdout.write = write;
      }
      pages[path.join(' ')] = text;
      for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
    };
    visit(program, []);
    return {width: HELP_WIDTH, pages};
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

/**
 * Writes `<dir>/aml-auth.txt`, `<dir>/aml-auth-creds.txt`, `<dir>/aml-auth-roles-check.txt`, …
 * (the launcher reads the one it needs) and returns the width they are laid out for.
 */
export async function writeHelpPages(dir, options) {
  const {width, pages} = await helpPages(options);
  await mkdir(dir, {recursive: true});
  for (const [path, text] of Object.entries(pages)) {
    // Files are named by the path's words joined with '-', so a name may not hold one.
    if (!/^([a-z]+( [a-z]+)*)?$/.test(path))
      throw new Error(`a command path the launcher cannot name: ${path}`);
    await writeFile(
      join(dir, `${['aml-auth', ...(path ? path.split(' ') : [])].join('-')}.txt`),
      text,
    );
  }
  return width;
}
