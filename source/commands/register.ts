/**
 * The scriptable commands on the command line: options, help with real examples, and routing to
 * the implementations, which load only when their command runs (so `--help` stays instant).
 * Imports nothing heavy.
 */
import {Command, Option} from 'commander';
import {TOKEN_CACHE_MODES} from '../domain/types';
import {EXIT_CODE_HELP} from './exit-codes';
import {DATA_FORMATS} from './output';
import {AUTH_METHODS} from './selectors';

const OUTPUT_HELP = `Output (-o), as Azure CLI's:
  text   for people (the default; with --query, json)
  json   one JSON document, stable camelCase schema (README: "JSON schemas")
  jsonc  the same, coloured on a terminal
  tsv    tab-separated values, nothing quoted: VAR=$(aml-auth … --query X -o tsv)
  table  columns of the scalar fields
  yaml   the document as YAML
  none   nothing (the exit code says how it went)
  env    export NAME='value' lines for: eval "$(aml-auth … -o env)" (where a command has it)
--query EXPR selects from the JSON document first (JMESPath, as az's --query; https://jmespath.org).
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

/**
 * `-o` (text, az's data formats, and env unless `{env: false}`), `--query` and `--debug`. A
 * command prints its result with `rt.emit(value, {text: () => …, env: () => …})`.
 */
export const CONTEXT_HELP = `Selectors not given as flags come from the profile, then the environment
(AZURE_SUBSCRIPTION_ID), then Azure CLI's defaults: az configure --defaults group=… workspace=…
and, with --auth-method cli, az's active cloud and default subscription. --cloud also takes a
cloud registered with az cloud register, by name, or the JSON of az cloud show. --debug says
where each came from.`;

function addOutputOptions(cmd: Command, options: {env?: boolean} | readonly string[] = {}) {
  // The older form, a list of formats (['text', 'json', 'env']), still says whether env is one.
  const env = Array.isArray(options)
    ? options.includes('env')
    : (options as {env?: boolean}).env !== false;
  const formats = ['text', ...DATA_FORMATS, ...(env ? ['env'] : [])];
  return cmd
    .addOption(
      new Option(
        '-o, --output <format>',
        'output format (default: text; with --query: json)',
      ).choices(formats),
    )
    .option('--query <jmespath>', 'JMESPath query on the JSON result (as az --query)')
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

/** Adds creds, invoke, roles, endpoints, deployments, token and profiles to the program. */
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
  $ export DATA_PLANE_TOKEN=$(aml-auth creds -p dev -o tsv --query accessToken)
  $ aml-auth creds -p dev --query '{uri: scoringUri, key: primaryKey}' -o table
  $ eval "$(aml-auth creds -p dev -o env)"
  $ curl -H "Authorization: Bearer $DATA_PLANE_TOKEN" -H 'Content-Type: application/json' \\
      -d @assets/sample-request.json "$SCORING_URI"
  $ aml-auth creds -p dev --which secondary --copy
  $ AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… aml-auth creds --cloud ./sandbox/cloud.json \\
      --auth-method service-principal --tenant contoso.sandbox \\
      --subscription 'Sandbox Dev' --workspace ws-dev --endpoint churn-scorer -o json`,
        [OUTPUT_HELP, SIGN_IN_HELP, CONTEXT_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runCreds} = await import('./run');
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
  $ aml-auth invoke -p dev --request assets/sample-request.json --repeat 20
  $ aml-auth invoke -p dev --request assets/sample-request.json --query status -o tsv`,
        [
          'The request is checked before anything is sent: it exists and is readable, is valid JSON\n(errors name line and column), is at most 1000 levels deep and at most 1.5 MB (the service\nlimit; --max-body-size 4MB for an endpoint with another). A UTF-8 BOM is dropped. With\n--request - on a terminal, type the request and end it with Ctrl-D. A non-2xx answer still\nprints its body on stdout; the status and the likely cause go to stderr, and the exit code is 6.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
          CONTEXT_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runInvoke} = await import('./run');
      await runInvoke(cmd.optsWithGlobals());
    });

  const roles = program
    .command('roles')
    .description(
      'roles for an endpoint: check permissions, define custom roles from a file, list, assign, list assignments',
    );
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
  $ aml-auth roles check -p dev -o env
  $ aml-auth roles check -p dev --query 'checks[].[action, ok]' -o table`,
        [
          'Exits 4 when a permission the auth mode requires is missing (the checklist is still printed).',
          OUTPUT_HELP,
          SIGN_IN_HELP,
          CONTEXT_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesCheck} = await import('./run');
      await runRolesCheck(cmd.optsWithGlobals());
    });

  const define = roles
    .command('define')
    .description(
      "create a custom role from the JSON file of Azure's guide (az role definition create): reused when identical, updated only with --update",
    )
    .option('-f, --file <file>', 'the role JSON (Name, Actions, NotActions, AssignableScopes, …)')
    .option('--update', 'make an existing role of that name match the file');
  addTargetOptions(define);
  addOutputOptions(define);
  define
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth roles define --file custom-role-for-scoring.json --subscription 'Sandbox Dev' \\
      --resource-group rg-ws-dev
  $ aml-auth roles define -p dev --file custom-role-for-control-plane.json -o json
  $ aml-auth roles define -p dev --file custom-role-for-scoring.json --update`,
        [
          'Placeholders in AssignableScopes (<subscriptionId>, <resourceGroupName>, <workspaceName>, in\nany spelling) are filled from --subscription, --resource-group and --workspace (or the profile);\none that cannot be filled is refused before anything is sent. A role of the same name that\ndiffers is left alone: exit 2, with what differs (add --update).',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesDefine} = await import('./run');
      await runRolesDefine(cmd.optsWithGlobals());
    });

  const rolesList = roles
    .command('list')
    .description('the roles that can be assigned at a scope (built-in and custom)')
    .option('--custom-only', 'only custom roles')
    .option(
      '--scope <scope>',
      'subscription, resource-group, workspace (default with a workspace), endpoint, or a /subscriptions/… scope',
    );
  addTargetOptions(rolesList);
  addOutputOptions(rolesList);
  rolesList
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth roles list -p dev --custom-only
  $ aml-auth roles list --subscription 'Sandbox Dev' -o json | jq -r '.[].roleName'`,
        [OUTPUT_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesList} = await import('./run');
      await runRolesList(cmd.optsWithGlobals());
    });

  const assign = roles
    .command('assign')
    .description(
      'assign a role to a user, group or service principal (idempotent: an identical assignment is reported, not duplicated)',
    )
    .option('--role <name|id>', 'the role, by name or ID (aml-auth roles list)')
    .option('--assignee <oid|upn|appId>', 'object ID, user principal name or app (client) ID')
    .option('--assignee-object-id <oid>', 'the object ID, taken as given (no directory lookup)')
    .addOption(
      new Option('--assignee-principal-type <type>', 'the type of --assignee-object-id').choices([
        'User',
        'Group',
        'ServicePrincipal',
      ]),
    )
    .option(
      '--scope <scope>',
      'workspace (default), endpoint, resource-group, subscription, or a /subscriptions/… scope',
    );
  addTargetOptions(assign);
  addOutputOptions(assign);
  assign
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth roles assign -p dev --role 'Custom role for scoring - online endpoint' \\
      --assignee 6f1c…-…-… --scope workspace
  $ aml-auth roles assign -p dev --role 'AzureML Data Scientist' --assignee scientist@contoso.com
  $ aml-auth roles assign -p dev --role f6c7c914-8db3-469d-8ca1-694a8f32e121 \\
      --assignee-object-id 6f1c…-…-… --assignee-principal-type ServicePrincipal --scope endpoint`,
        [
          '--assignee is looked up in Microsoft Graph as az does (needs directory read); with\n--assignee-object-id nothing is looked up.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesAssign} = await import('./run');
      await runRolesAssign(cmd.optsWithGlobals());
    });

  const assignments = roles
    .command('assignments')
    .description('role assignments at a scope and above it (inherited), as az role assignment list')
    .option('--assignee <oid|upn|appId>', "only this principal's")
    .option('--assignee-object-id <oid>', "only this object ID's (no directory lookup)")
    .option(
      '--scope <scope>',
      'workspace (default), endpoint, resource-group, subscription, or a /subscriptions/… scope',
    );
  addTargetOptions(assignments);
  addOutputOptions(assignments);
  assignments
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth roles assignments -p dev
  $ aml-auth roles assignments -p dev --scope endpoint --assignee scientist@contoso.com -o json`,
        [OUTPUT_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runRolesAssignments} = await import('./run');
      await runRolesAssignments(cmd.optsWithGlobals());
    });

  registerEndpoints(program);
  registerDeployments(program);

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
  addOutputOptions(traffic, {env: false});
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
      const {runLogsTraffic} = await import('./run');
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
  addOutputOptions(enable, {env: false});
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
      const {runLogsEnable} = await import('./run');
      await runLogsEnable(cmd.optsWithGlobals());
    });
  const lawList = logs
    .command('workspaces')
    .description("the Log Analytics workspaces of the endpoint's subscription (for logs enable)");
  addTargetOptions(lawList);
  addOutputOptions(lawList, {env: false});
  lawList
    .addHelpText('after', footer('  $ aml-auth logs workspaces -p fraud', [OUTPUT_HELP]))
    .action(async (_opts, cmd: Command) => {
      const {runLogsWorkspaces} = await import('./run');
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
      const {runTokenInspect} = await import('./run');
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
  $ aml-auth profiles list -o json | jq -r '.profiles[].name'
  $ aml-auth profiles list --query 'profiles[].name' -o tsv`),
    )
    .action(async (_opts, cmd: Command) => {
      const {runProfilesList} = await import('./run');
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
      const {runProfilesShow} = await import('./run');
      await runProfilesShow(name, cmd.optsWithGlobals());
    });

  const save = profiles
    .command('save')
    .description(
      'save a profile from the selectors, without the wizard (signs in and reads the endpoint first)',
    )
    .argument('<name>', 'the new profile')
    .option('--deployment <name>', 'the default deployment for invoke')
    .option('--force', 'replace a profile of that name');
  addTargetOptions(save);
  addOutputOptions(save);
  save
    .addHelpText(
      'after',
      footer(
        `  $ AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… aml-auth profiles save ci \\
      --cloud ./sandbox/cloud.json --auth-method service-principal --tenant contoso.sandbox \\
      --subscription 'Sandbox Dev' --workspace ws-dev --endpoint churn-scorer
  $ aml-auth creds -p ci -o env`,
        ["The profile keeps no secret: a service principal's secret stays in AZURE_CLIENT_SECRET."],
      ),
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const {runProfilesSave} = await import('./run');
      await runProfilesSave(name, cmd.optsWithGlobals());
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
      const {runProfilesRename} = await import('./run');
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
      const {runProfilesRemove} = await import('./run');
      await runProfilesRemove(name, cmd.optsWithGlobals());
    },
  );
}

/** `aml-auth endpoints list|show|create|update|delete`. */
function registerEndpoints(program: Command): void {
  const endpoints = program
    .command('endpoints')
    .description(
      "a workspace's online endpoints: list, show, create, update the auth mode, delete",
    );
  const withName = (cmd: Command) =>
    cmd.option('-n, --name <name>', 'the endpoint (as az ml; the same as --endpoint)');

  const list = endpoints
    .command('list')
    .alias('ls')
    .description("the workspace's online endpoints");
  addTargetOptions(list);
  addOutputOptions(list);
  list
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth endpoints list -p dev
  $ aml-auth endpoints list --subscription 'Sandbox Dev' --workspace ws-dev -o json | jq -r '.[].name'`,
        [OUTPUT_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runEndpointsList} = await import('./run');
      await runEndpointsList(cmd.optsWithGlobals());
    });

  const show = withName(endpoints.command('show').description('one endpoint, az ml field names'));
  addTargetOptions(show);
  addOutputOptions(show);
  show
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth endpoints show -p dev
  $ aml-auth endpoints show -p dev --name fraud-aad -o json | jq -r .scoring_uri
  $ eval "$(aml-auth endpoints show -p dev -o env)"; echo "$SCORING_URI"`,
        [OUTPUT_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runEndpointsShow} = await import('./run');
      await runEndpointsShow(cmd.optsWithGlobals());
    });

  const create = withName(
    endpoints
      .command('create')
      .description(
        'create an online endpoint from endpoint.yml (az ml online-endpoint create --file) or flags',
      ),
  )
    .option(
      '-f, --file <endpoint.yml>',
      "Azure ML's endpoint YAML: $schema, name, auth_mode, identity, description, tags",
    )
    .addOption(
      new Option('--auth-mode <mode>', 'key (default), aml_token or aad_token').choices([
        'key',
        'aml_token',
        'aad_token',
      ]),
    )
    .option('--description <text>', 'the description')
    .option('--no-wait', 'return once Azure accepted the request');
  addTargetOptions(create);
  addOutputOptions(create);
  create
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth endpoints create -p dev --file endpoint.yml
  $ aml-auth endpoints create --subscription 'Sandbox Dev' --workspace ws-dev \\
      --name churn-v2 --auth-mode aad_token -o json
  $ aml-auth endpoints create -p dev --file endpoint.yml --no-wait`,
        [
          "The file is checked before anything is sent: a key Azure ML's schema does not have, or one\naml-auth does not create yet (traffic, public_network_access, a user-assigned identity), is\nnamed in one error and nothing is created. --name and --auth-mode override the file.",
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runEndpointsCreate} = await import('./run');
      await runEndpointsCreate(cmd.optsWithGlobals());
    });

  const update = withName(
    endpoints
      .command('update')
      .description(
        "change an endpoint's auth mode (the full PUT; clients of the old mode stop working)",
      ),
  )
    .addOption(
      new Option('--auth-mode <mode>', 'the new auth mode').choices([
        'key',
        'aml_token',
        'aad_token',
      ]),
    )
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--no-wait', 'return once Azure accepted the request');
  addTargetOptions(update);
  addOutputOptions(update);
  update
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth endpoints update -p dev --auth-mode aad_token
  $ aml-auth endpoints update -p dev --name churn-scorer --auth-mode aad_token --yes -o json`,
        [
          'On a terminal it asks first (y/N on stderr); without one it needs --yes (else exit 2).\nDeclining exits 1 with nothing changed.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runEndpointsUpdate} = await import('./run');
      await runEndpointsUpdate(cmd.optsWithGlobals());
    });

  const del = withName(
    endpoints.command('delete').description('delete an endpoint and its deployments'),
  )
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--no-wait', 'return once Azure accepted the request');
  addTargetOptions(del);
  addOutputOptions(del);
  del
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth endpoints delete -p dev --name churn-v2
  $ aml-auth endpoints delete -p dev --name churn-v2 --yes --no-wait`,
        [
          'On a terminal it asks first (y/N on stderr); without one it needs --yes (else exit 2).\nAn endpoint that does not exist exits 5.',
          OUTPUT_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runEndpointsDelete} = await import('./run');
      await runEndpointsDelete(cmd.optsWithGlobals());
    });
}

const DEPLOYMENTS_HELP = `A deployment serves a registered model behind the endpoint. Live traffic is split between
deployments (whole percentages adding up to 100, or all 0); mirror traffic copies a share of the
live requests (at most 50%) to one deployment that takes no live traffic — its answers only reach
its logs. A deployment with live or mirror traffic cannot be deleted: move its traffic first.
Mutating commands wait for the operation (progress on stderr) unless --no-wait.`;

/** The \`deployments\` group: list, show, create, traffic, logs, delete. */
function registerDeployments(program: Command): void {
  const group = program
    .command('deployments')
    .alias('deployment')
    .description(
      "an endpoint's online deployments: list, create, split and mirror traffic, logs, delete",
    );

  const list = group
    .command('list')
    .alias('ls')
    .description("the endpoint's deployments with their traffic");
  addTargetOptions(list);
  addOutputOptions(list, {env: false});
  list
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth deployments list -p dev
  $ aml-auth deployments list -p dev -o json | jq -r '.deployments[] | "\\(.name) \\(.trafficPercent)"'`,
        [DEPLOYMENTS_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (_opts, cmd: Command) => {
      const {runDeploymentsList} = await import('./run');
      await runDeploymentsList(cmd.optsWithGlobals());
    });

  const show = group
    .command('show')
    .description('one deployment: state, traffic, instances, model, environment, settings')
    .argument('<name>', 'the deployment');
  addTargetOptions(show);
  addOutputOptions(show, {env: false});
  show
    .addHelpText(
      'after',
      footer('  $ aml-auth deployments show blue -p dev -o json', [SIGN_IN_HELP]),
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const {runDeploymentsShow} = await import('./run');
      await runDeploymentsShow(name, cmd.optsWithGlobals());
    });

  const create = group
    .command('create')
    .description('create a deployment from a registered model (flags, or --file deployment.yml)')
    .argument('[name]', "the new deployment (default: the file's name)")
    .option(
      '--file <deployment.yml>',
      "a deployment YAML in Azure ML's format (managedOnlineDeployment)",
    )
    .option('--model <ref>', 'registered model: azureml:NAME:VERSION or azureml:NAME@latest')
    .option(
      '--environment <ref>',
      'registered or curated environment: azureml:NAME:VERSION, azureml:NAME@latest',
    )
    .option('--instance-type <sku>', 'VM size (default Standard_DS3_v2)')
    .option('--instance-count <n>', 'instances (default 1)')
    .option('--all-traffic', 'give it 100% of the live traffic once created')
    .option('--no-wait', 'return once Azure has accepted it (state Creating)');
  addTargetOptions(create);
  addOutputOptions(create, {env: false});
  create
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth deployments create blue -p dev --model azureml:credit-risk:1 --all-traffic
  $ aml-auth deployments create green -p dev --model azureml:credit-risk@latest \\
      --environment azureml:AzureML-sklearn-1.5@latest --instance-count 2
  $ aml-auth deployments create -p dev --file blue-deployment.yml`,
        [
          'A YAML file may only reference registered assets (azureml:NAME:VERSION, azureml:NAME@latest).\nLocal paths (a model folder, a code folder, a conda file, an inline environment) are not\nuploaded: the command changes nothing, exits 2 and prints the az ml commands that register them.\nUnknown keys are refused by name.',
          DEPLOYMENTS_HELP,
          SIGN_IN_HELP,
        ],
      ),
    )
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const {runDeploymentsCreate} = await import('./run');
      await runDeploymentsCreate(name, cmd.optsWithGlobals());
    });

  const traffic = group
    .command('traffic')
    .description('show or set the live traffic split and the mirror traffic')
    .argument('[split...]', 'NAME=PERCENT for each deployment, e.g. blue=90 green=10')
    .option(
      '--mirror <name=percent...>',
      'mirror traffic to one deployment (at most 50%); none to stop',
    )
    .option('--no-wait', 'return once Azure has accepted the change');
  addTargetOptions(traffic);
  addOutputOptions(traffic, {env: false});
  traffic
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth deployments traffic -p dev
  $ aml-auth deployments traffic -p dev blue=90 green=10
  $ aml-auth deployments traffic -p dev blue=100 green=0 --mirror green=10
  $ aml-auth deployments traffic -p dev --mirror none`,
        [DEPLOYMENTS_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (split: string[], _opts, cmd: Command) => {
      const {runDeploymentsTraffic} = await import('./run');
      await runDeploymentsTraffic(split, cmd.optsWithGlobals());
    });

  const logs = group
    .command('logs')
    .description("a deployment's container logs: the first place to look after a 424 or a 502")
    .argument('<name>', 'the deployment')
    .addOption(
      new Option('--container <type>', 'which container')
        .choices(['inference-server', 'storage-initializer'])
        .default('inference-server'),
    )
    .option('--lines <n>', 'the last N lines (default 200, at most 10000)');
  addTargetOptions(logs);
  addOutputOptions(logs, {env: false});
  logs
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth deployments logs green -p dev --lines 50
  $ aml-auth deployments logs blue -p dev --container storage-initializer
  $ aml-auth deployments logs green -p dev -o json | jq -r .content | grep request_id=`,
        [SIGN_IN_HELP],
      ),
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const {runDeploymentsLogs} = await import('./run');
      await runDeploymentsLogs(name, cmd.optsWithGlobals());
    });

  const del = group
    .command('delete')
    .description('delete a deployment (refused while it takes traffic)')
    .argument('<name>', 'the deployment')
    .option('-y, --yes', 'do not ask: required, there is no undo')
    .option('--no-wait', 'return once Azure has accepted the deletion');
  addTargetOptions(del);
  addOutputOptions(del, {env: false});
  del
    .addHelpText(
      'after',
      footer(
        `  $ aml-auth deployments traffic -p dev blue=100 green=0 --mirror none
  $ aml-auth deployments delete green -p dev --yes`,
        [DEPLOYMENTS_HELP, SIGN_IN_HELP],
      ),
    )
    .action(async (name: string, _opts, cmd: Command) => {
      const {runDeploymentsDelete} = await import('./run');
      await runDeploymentsDelete(name, cmd.optsWithGlobals());
    });
}
