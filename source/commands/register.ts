/**
 * The scriptable commands on the command line: options, help with real examples, and routing to
 * the implementations, which load only when their command runs (so `--help` stays instant).
 * Imports nothing heavy.
 */
import {Command, Option} from 'commander';
import {TOKEN_CACHE_MODES} from '../domain/types';
import {EXIT_CODE_HELP} from './exit-codes';
import {AUTH_METHODS} from './selectors';

const OUTPUT_HELP = `Output (-o):
  text  for people (the default)
  json  one JSON document, stable camelCase schema (README: "JSON schemas")
  env   export NAME='value' lines for: eval "$(aml-auth … -o env)"
Data goes to stdout; diagnostics and progress to stderr.`;

const SIGN_IN_HELP = `Sign-in without a prompt (--auth-method, or the profile's):
  cli                az login first (for a custom cloud: az cloud register / set)
  service-principal  --tenant T with AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in the environment
                     (the secret is never taken from a flag)
  environment        AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate)
  managed-identity   on Azure compute (--client-id for a user-assigned identity)
  default            DefaultAzureCredential: environment, managed identity, Azure CLI, …
  device-code        only with --device-code; the code and URL go to stderr
  browser            only on an interactive terminal
A profile saved by the wizard signs in silently with device-code or browser while its tokens are
cached (--token-cache: the OS keyring by default, when one works).`;

function addOutputOptions(cmd: Command, formats: readonly string[] = ['text', 'json', 'env']) {
  return cmd
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(formats).default('text'),
    )
    .option('--debug', 'Azure SDK log and stack traces on stderr (secrets redacted)');
}

function addProfileOption(cmd: Command) {
  return cmd.addOption(
    new Option('-p, --profile <name>', 'use a saved profile (aml-auth profiles list)').env(
      'AML_AUTH_PROFILE',
    ),
  );
}

/** --profile and the explicit selectors; explicit flags override the profile field by field. */
function addTargetOptions(cmd: Command) {
  addProfileOption(cmd);
  return cmd
    .option(
      '--cloud <name|file>',
      'AzureCloud (default), AzureChinaCloud, AzureUSGovernment or a cloud JSON file',
    )
    .option('--tenant <id>', 'tenant ID or domain to sign in to')
    .option('--subscription <name|id>', 'subscription, by display name or ID')
    .option('--resource-group <name>', "workspace's resource group (looked up when omitted)")
    .option('--workspace <name>', 'Azure Machine Learning workspace')
    .option('--endpoint <name>', 'online endpoint')
    .addOption(
      new Option('--auth-method <method>', 'how to sign in (see below)').choices(AUTH_METHODS),
    )
    .option(
      '--client-id <id>',
      'app (client) ID for service-principal, or a user-assigned managed identity',
    )
    .option('--device-code', 'allow a device code sign-in (its message goes to stderr)')
    .addOption(tokenCacheOption());
}

/**
 * Where interactive sign-ins (device code, browser) keep tokens across runs; shared by the wizard
 * and the commands.
 */
export function tokenCacheOption(): Option {
  return new Option(
    '--token-cache <mode>',
    'where device-code and browser sign-ins keep tokens: auto (the OS keyring if it works, else memory), keyring, memory, plaintext (opt-in, unencrypted)',
  )
    .choices(TOKEN_CACHE_MODES)
    .env('AML_AUTH_TOKEN_CACHE');
}

function footer(examples: string, extra: string[] = []): string {
  return `\n${[...extra, `Examples:\n${examples}`, EXIT_CODE_HELP].join('\n\n')}\n`;
}

/** Adds creds, invoke, roles, token and profiles to the program. */
export function registerCommands(program: Command): void {
  const creds = program
    .command('creds')
    .description(
      "print an endpoint's current credential and scoring URI: a key (key), an Azure ML token (aml_token) or an Entra token for the ML audience (aad_token)",
    )
    .addOption(
      new Option('--which <key>', 'key mode: which key is the credential')
        .choices(['primary', 'secondary'])
        .default('primary'),
    )
    .option(
      '--copy',
      'put the credential on the clipboard (system or OSC 52); print only a confirmation',
    );
  addTargetOptions(creds);
  addOutputOptions(creds);
  creds
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth creds -p dev
  $ aml-auth creds -p dev -o json | jq -r .credential.expiresOn
  $ eval "$(aml-auth creds -p dev -o env)"
  $ curl -H "Authorization: Bearer $DATA_PLANE_TOKEN" -H 'Content-Type: application/json' \\
      -d @assets/sample-request.json "$SCORING_URI"
  $ aml-auth creds -p dev --which secondary --copy
  $ AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… aml-auth creds --cloud ./sandbox/cloud.json \\
      --auth-method service-principal --tenant contoso.sandbox \\
      --subscription 'Sandbox Dev' --workspace ws-dev --endpoint churn-scorer -o json`,
        [OUTPUT_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runCreds} = await import('./creds');
      await runCreds(cmd.optsWithGlobals());
    });

  const invoke = program
    .command('invoke')
    .description(
      'score an endpoint with a request file (or - for stdin) and print the response body',
    )
    .option('--request <file|->', "JSON request file, or - for stdin (default: the profile's last)")
    .option('--deployment <name>', 'send to one deployment (azureml-model-deployment header)')
    .option('--repeat <n>', 'send N times; print latency p50/p95 and the share per deployment')
    .option('--include', 'print status, latency, deployment and request ID before the body')
    .option(
      '--max-body-size <size>',
      'refuse a request larger than this before sending (default 1.5MB, the service limit)',
    );
  addTargetOptions(invoke);
  addOutputOptions(invoke);
  invoke
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth invoke -p dev --request assets/sample-request.json
  $ aml-auth invoke -p dev --request assets/sample-request.json --include
  $ aml-auth invoke -p dev --request - < batch.json -o json | jq .status
  $ aml-auth invoke -p dev --request assets/sample-request.json --deployment green
  $ aml-auth invoke -p dev --request assets/sample-request.json --repeat 20`,
        [
          'The request is checked before anything is sent: it exists and is readable, is valid JSON\n(errors name line and column), is at most 1000 levels deep and at most 1.5 MB (the service\nlimit; --max-body-size 4MB for an endpoint with another). A UTF-8 BOM is dropped. With\n--request - on a terminal, type the request and end it with Ctrl-D. A non-2xx answer still\nprints its body on stdout; the status and the likely cause go to stderr, and the exit code is 6.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runInvoke} = await import('./invoke');
      await runInvoke(cmd.optsWithGlobals());
    });

  const roles = program.command('roles').description('role and permission checks for an endpoint');
  const check = roles
    .command('check')
    .description(
      "the wizard's permission preflight: what the endpoint's auth mode needs, each ✓/✗ with its action",
    )
    .option('--principal <object-id>', 'check another principal (default: the signed-in identity)')
    .addOption(
      new Option('--principal-type <type>', 'the type of --principal')
        .choices(['User', 'Group', 'ServicePrincipal'])
        .default('User'),
    );
  addTargetOptions(check);
  addOutputOptions(check);
  check
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth roles check -p dev
  $ aml-auth roles check -p dev --principal 6f1c…-…-… --principal-type ServicePrincipal -o json
  $ aml-auth roles check -p dev -o env`,
        [
          'Exits 4 when a permission the auth mode requires is missing (the checklist is still printed).',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesCheck} = await import('./roles');
      await runRolesCheck(cmd.optsWithGlobals());
    });

  const logs = program
    .command('logs')
    .description(
      "an endpoint's traffic log (AmlOnlineEndpointTrafficLog in Log Analytics): who called, with which auth type, and what they got",
    );
  const traffic = logs
    .command('traffic')
    .description(
      'the recent requests to the endpoint: time, status and reason, auth type, caller (JWT oid and name), deployment, model status, duration, request ID; and a summary',
    )
    .option('--since <window>', 'how far back: 15m, 1h, 24h, 7d (default 1h)')
    .option('--failures', 'only requests that did not get a 200')
    .option('--auth-type <type>', 'only one auth type: key, aml_token or aad_token')
    .option('--identity <object-id>', "only one caller (the token's oid, as IdentityData holds it)")
    .option('--request-id <id>', 'the row of one request (its x-request-id, from invoke --include)')
    .option('--top <n>', 'at most N rows, newest first (default 100; the summary counts all)')
    .option('--show-query', 'also print the KQL (to paste into the Logs blade)');
  addTargetOptions(traffic);
  addOutputOptions(traffic, ['text', 'json']);
  traffic
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth logs traffic -p fraud
  $ aml-auth logs traffic -p fraud --since 24h --failures
  $ aml-auth logs traffic -p fraud --auth-type aad_token --identity 6f1c…-…-… -o json
  $ aml-auth logs traffic -p fraud --request-id "$(aml-auth invoke -p fraud --request r.json -o json | jq -r .requestId)"`,
        [
          "Reads the Log Analytics workspace the endpoint's diagnostic settings send the traffic log to\n(needs Microsoft.OperationalInsights/workspaces/query/read there: Log Analytics Reader). Exits 5\nwhen traffic logging is off (turn it on with `aml-auth logs enable`). In Azure, records take a\nfew minutes to appear.",
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runLogsTraffic} = await import('./logs');
      await runLogsTraffic(cmd.optsWithGlobals());
    });
  const enable = logs
    .command('enable')
    .description(
      'turn on traffic logging: a diagnostic setting on the endpoint that sends AmlOnlineEndpointTrafficLog to a Log Analytics workspace',
    )
    .option(
      '--workspace-id <id|name>',
      'the Log Analytics workspace: its resource ID, or its name',
    );
  addTargetOptions(enable);
  addOutputOptions(enable, ['text', 'json']);
  enable
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth logs enable -p fraud --workspace-id law-dev
  $ aml-auth logs enable -p fraud -o json \\
      --workspace-id /subscriptions/…/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law`,
        [
          'Creates the diagnostic setting aml-auth-traffic-log (needs Microsoft.Insights/diagnosticSettings/write\non the endpoint: Monitoring Contributor). Nothing changes when the traffic log already goes there.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runLogsEnable} = await import('./logs');
      await runLogsEnable(cmd.optsWithGlobals());
    });
  const lawList = logs
    .command('workspaces')
    .description("the Log Analytics workspaces of the endpoint's subscription (for logs enable)");
  addTargetOptions(lawList);
  addOutputOptions(lawList, ['text', 'json']);
  lawList
    .addHelpText('after', footer('  $ aml-auth logs workspaces -p fraud', [OUTPUT_HELP]))
    .action(async (_opts, cmd: Command) => {
      const {runLogsWorkspaces} = await import('./logs');
      await runLogsWorkspaces(cmd.optsWithGlobals());
    });

  const token = program.command('token').description('work with tokens offline');
  const inspect = token
    .command('inspect')
    .description(
      'decode a JWT offline (header, claims, expiry) and flag a wrong audience for its use; never prints the token',
    )
    .argument('[token]', 'the token, or - (the default) to read it from stdin')
    .addOption(
      new Option('--for <use>', 'check the audience for this use').choices([
        'management',
        'scoring',
      ]),
    )
    .option(
      '--cloud <name|file>',
      "the cloud whose audiences --for checks (default: the profile's, else AzureCloud)",
    );
  addProfileOption(inspect);
  addOutputOptions(inspect);
  inspect
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth creds -p fraud -o json | aml-auth token inspect --for scoring
  $ printf %s "$DATA_PLANE_TOKEN" | aml-auth token inspect - -o json
  $ az account get-access-token | aml-auth token inspect --for management`,
        [
          'Reads a bare JWT, "Bearer …", or JSON holding one (aml-auth creds -o json, az account\nget-access-token). Passing the token as an argument shows it to other users in `ps`: prefer stdin.\nWith --for: exit 2 for a wrong audience, 3 for an expired token.',
          OUTPUT_HELP,
        ],
      ),
    )
    .action(async (tokenArg: string | undefined, _opts, cmd: Command) => {
      const {runTokenInspect} = await import('./token');
      await runTokenInspect(tokenArg, cmd.optsWithGlobals());
    });

  const profiles = program
    .command('profiles')
    .description('manage saved profiles (they hold no secrets)');
  const list = profiles
    .command('list')
    .alias('ls')
    .description('list the saved profiles, most recently used first');
  addOutputOptions(list);
  list
    .addHelpText(
      'after',
      footer(`  $ aml-auth profiles list
  $ aml-auth profiles list -o json | jq -r '.profiles[].name'`),
    )
    .action(async (_opts, cmd: Command) => {
      const {runProfilesList} = await import('./profiles');
      await runProfilesList(cmd.optsWithGlobals());
    });

  const show = profiles
    .command('show')
    .description('show one profile (never a secret)')
    .argument('[name]', 'the profile (or --profile)');
  addProfileOption(show);
  addOutputOptions(show);
  show
    .addHelpText(
      'after',
      footer(`  $ aml-auth profiles show dev
  $ aml-auth profiles show dev -o json
  $ eval "$(aml-auth profiles show dev -o env)"; echo "$AML_AUTH_ENDPOINT"`),
    )
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const {runProfilesShow} = await import('./profiles');
      await runProfilesShow(name, cmd.optsWithGlobals());
    });

  const rename = profiles
    .command('rename')
    .description('rename a profile')
    .argument('<from>', 'current name')
    .argument('<to>', 'new name');
  addOutputOptions(rename);
  rename
    .addHelpText('after', footer('  $ aml-auth profiles rename dev churn-dev'))
    .action(async (from: string, to: string, _opts, cmd: Command) => {
      const {runProfilesRename} = await import('./profiles');
      await runProfilesRename(from, to, cmd.optsWithGlobals());
    });

  const rm = profiles
    .command('rm')
    .alias('remove')
    .description('remove a profile (only the saved setup; nothing in Azure changes)')
    .argument('<name>', 'the profile');
  addOutputOptions(rm);
  rm.addHelpText('after', footer('  $ aml-auth profiles rm old-dev')).action(
    async (name: string, _opts, cmd: Command) => {
      const {runProfilesRemove} = await import('./profiles');
      await runProfilesRemove(name, cmd.optsWithGlobals());
    },
  );
}
