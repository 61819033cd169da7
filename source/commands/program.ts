/**
 * The command line: the root (the wizard, with its options), `sandbox`, and every scriptable
 * command (register.ts). Built by cli.tsx to parse the arguments, and by the build
 * (scripts/help-pages.mjs) to write each command's --help page ahead of time.
 */
import {Command, Option} from 'commander';
import {EXIT_CODE_HELP} from './exit-codes';
import {registerCommands, tokenCacheOption} from './register';
import type {WizardOptions} from './wizard';
import {didYouMean} from '../lib/suggest';

const VERSION = process.env.AML_AUTH_VERSION ?? '0.0.0-dev';

/**
 * Help is laid out for at most this many columns (its examples are written for it); a narrower
 * terminal gets it wrapped to fit. So the page on any terminal at least this wide, or in a pipe,
 * is the one written at build time (dist/help/), which the launcher prints without loading
 * the CLI.
 */
export const HELP_WIDTH = 80;

const helpWidth = (stream: NodeJS.WriteStream): number =>
  stream.isTTY ? Math.min(stream.columns || HELP_WIDTH, HELP_WIDTH) : HELP_WIDTH;

export interface ProgramOptions {
  /** Lay help out for exactly this width (the build's pages), not for the terminal. */
  helpWidth?: number;
  /**
   * Only what parsing these arguments needs: when they are nothing but the root's own options
   * (a start of the wizard), the subcommands are left out. Defining all of them is about a tenth
   * of the wizard's time to its first frame.
   */
  forArgs?: readonly string[];
}

/**
 * Whether commander, given `args`, could only read root options: every word is a root option
 * (`--name`, `--name=value`, `-x`) or the value a root option requires. Anything else (a word
 * that may be a command, an unknown or combined option, `--help`, `--`) says no, and the whole
 * program parses it, to run the command or report what is wrong.
 */
export function onlyRootOptions(root: Command, args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') return false;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = root.options.find((o) => o.long === flag || o.short === flag);
    if (!option) return false;
    if (eq !== -1) {
      if (!option.required && !option.optional) return false;
    } else if (option.required) {
      i++; // commander takes the next word as the value, whatever it is
    } else if (option.optional && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) {
      return false; // a value or a command: let the whole program decide
    }
  }
  return true;
}

export function buildProgram(options: ProgramOptions = {}): Command {
  const width = (stream: NodeJS.WriteStream) => options.helpWidth ?? helpWidth(stream);
  const program = new Command();
  program
    .name('aml-auth')
    .description(
      'Authenticate clients to Azure Machine Learning online endpoints: sign in, pick an endpoint, set its auth mode, assign roles, fetch credentials and score it.',
    )
    .version(VERSION, '-V, --version')
    .option('--sandbox', 'run against an embedded sandbox cloud (no Azure needed)')
    .option(
      '--sandbox-user <name>',
      'with --sandbox: approve device codes as this user (owner, scientist)',
    )
    .option(
      '--cloud <name|file>',
      'AzureCloud (default), AzureChinaCloud, AzureUSGovernment or a cloud JSON file',
    )
    .addOption(tokenCacheOption())
    .option('--debug', 'commands: stack traces and the Azure SDK log on stderr (secrets redacted)')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `\n${EXIT_CODE_HELP}\n\nExamples:\n  $ aml-auth --sandbox\n  $ aml-auth sandbox --port 0 --json\n  $ aml-auth creds -p dev -o json\n  $ eval "$(aml-auth creds -p dev -o env)"\n  $ aml-auth invoke -p dev --request assets/sample-request.json\n  $ aml-auth roles check -p dev\n  $ aml-auth token inspect --for scoring < token.txt\n  $ aml-auth profiles list\n\nEach command has its own --help with examples.\n`,
    )
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.replace(/^error:/, 'aml-auth:')),
      getOutHelpWidth: () => width(process.stdout),
      getErrHelpWidth: () => width(process.stderr),
    })
    .action(async (opts: WizardOptions) => {
      // Anything left over is a mistyped command or option: say so, with a "did you mean".
      const first = program.args[0];
      if (first !== undefined) {
        const option = first.startsWith('-');
        const candidates = option
          ? [...program.options.flatMap((o) => (o.long ? [o.long] : [])), '--help']
          : program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
        program.error(
          `aml-auth: unknown ${option ? 'option' : 'command'} '${first}'${didYouMean(first, candidates)}`,
          {code: option ? 'commander.unknownOption' : 'commander.unknownCommand'},
        );
      }
      const {openWizard} = await import('./wizard');
      await openWizard(opts);
    });

  if (!options.forArgs || !onlyRootOptions(program, options.forArgs)) addSubcommands(program);
  // Only the root takes leftovers, to report an unknown command (not an unknown option of the
  // command's) with a suggestion. Set after the subcommands exist: they copy the root's settings.
  program.allowExcessArguments(true).allowUnknownOption(true);
  return program;
}

/** `sandbox` and every scriptable command. */
function addSubcommands(program: Command): void {
  program
    .command('sandbox')
    .description(
      'run the local sandbox cloud (Entra ID, Resource Manager and scoring) until Ctrl-C',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--json', 'print the descriptor as one JSON line on stdout')
    .option(
      '--token-lifetime <duration>',
      'lifetime of Entra and Azure ML tokens, e.g. 90s (default: 1h / 24h)',
    )
    .addOption(
      new Option(
        '--auto-approve [principal]',
        'approve device codes automatically as this user after ~1 s (default: owner)',
      ),
    )
    .option('--faults <spec>', 'inject faults, e.g. arm:429:next=2,scoring:latency=300ms:rate=0.5')
    .option('--provisioning-delay <duration>', 'how long endpoint operations take (default 3s)')
    .option(
      '--ingestion-delay <duration>',
      'how long a traffic-log row takes to reach Log Analytics queries (default 3s)',
    )
    .option(
      '--headers-timeout <duration>',
      'a request whose headers are not all in by then gets 408 and is closed (default 30s)',
    )
    .option(
      '--request-timeout <duration>',
      'a request not in whole (body included) by then gets 408 and is closed (default 120s)',
    )
    .option(
      '--dir <folder>',
      'where to write ca.pem and cloud.json (default: a private temp folder)',
    )
    .option(
      '--scale <subscriptions>x<endpoints>',
      'seed a large world: that many subscriptions, and endpoints in workspace ws-scale (e.g. 300x2000)',
    )
    .addHelpText(
      'after',
      `
  Faults: comma-separated SURFACE:FAULT[:OPTION...]
    SURFACE  identity | arm | scoring | all
    FAULT    429 | 500 | 503 | drop | latency=DURATION
    OPTION   rate=0..1 | next=N | retry-after=SECONDS

  Examples:
    $ aml-auth sandbox
    $ aml-auth sandbox --port 0 --json --auto-approve=scientist
    $ aml-auth sandbox --token-lifetime 90s --faults arm:429:next=2
  `,
    )
    .action(async (opts) => {
      const {runSandboxCommand} = await import('./sandbox');
      await runSandboxCommand(opts);
    });

  registerCommands(program);
}
