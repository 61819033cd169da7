/**
 * `aml-auth endpoints list|show|create|update|delete`: the online endpoints of a workspace, in
 * the shape `az ml online-endpoint` prints them (snake_case: `auth_mode`, `scoring_uri`,
 * `provisioning_state`, `traffic`, …). `create --file endpoint.yml` reads Azure ML's own file;
 * `update --auth-mode` is the full PUT the wizard does; a change asks first on a terminal.
 * Progress goes to stderr; the endpoint (or nothing) to stdout.
 */
import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {AUTH_MODES, parseAuthMode} from '../domain/auth-mode';
import {EndpointFileError, parseEndpointFile, type EndpointSpec} from '../domain/endpoint-file';
import type {AuthMode, Endpoint, OperationProgress} from '../domain/types';
import {formatElapsed} from '../lib/time';
import {visible, visibleText} from '../lib/visible';
import {confirm} from './confirm';
import {CliError, ExitCode} from './exit-codes';
import {envLines, rows, table} from './output';
import {
  assertName,
  connect,
  getEndpoint,
  learnEndpoint,
  loadTarget,
  resolveRef,
  resolveWorkspace,
  runCommand,
  workspaceOf,
  type CommonFlags,
  type Runtime,
} from './runtime';

export interface EndpointsFlags extends CommonFlags {
  file?: string;
  name?: string;
  authMode?: string;
  description?: string;
  wait?: boolean;
  yes?: boolean;
}

/** `SystemAssigned` → `system_assigned`, as az ml writes identity types. */
const snake = (armType: string): string =>
  armType
    .split(',')
    .map((t) =>
      t
        .trim()
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toLowerCase(),
    )
    .join(',');

/** The documented JSON of an endpoint: az ml's field names, plus where it lives. */
export function endpointView(e: Endpoint) {
  return {
    name: e.endpoint,
    id: e.id,
    subscriptionId: e.subscriptionId,
    resourceGroup: e.resourceGroup,
    workspace: e.workspace,
    location: e.location,
    kind: e.kind ?? null,
    auth_mode: e.authMode,
    provisioning_state: e.provisioningState,
    scoring_uri: e.scoringUri ?? null,
    traffic: e.traffic,
    description: e.description ?? null,
    tags: e.tags ?? {},
    identity: {type: e.identityType ? snake(e.identityType) : null},
  };
}

export function endpointText(e: Endpoint): string {
  const traffic = Object.entries(e.traffic);
  const pairs: [string, string][] = [
    ['auth mode', e.authMode],
    ['state', e.provisioningState],
    ['scoring URI', e.scoringUri ?? '(none yet)'],
    ['traffic', traffic.length ? traffic.map(([d, p]) => `${d} ${p}%`).join(', ') : '(none)'],
    ['workspace', `${e.workspace} (${e.resourceGroup})`],
    ['location', e.location || '(unknown)'],
  ];
  if (e.identityType) pairs.push(['identity', snake(e.identityType)]);
  if (e.description) pairs.push(['description', e.description]);
  const tags = Object.entries(e.tags ?? {});
  if (tags.length) pairs.push(['tags', tags.map(([k, v]) => `${k}=${v}`).join(', ')]);
  return `${visible(e.endpoint)}\n${visibleText(rows(pairs))}\n`;
}

export function endpointEnv(e: Endpoint): string {
  return envLines({
    ENDPOINT_NAME: e.endpoint,
    ENDPOINT_AUTH_MODE: e.authMode,
    ENDPOINT_PROVISIONING_STATE: e.provisioningState,
    SCORING_URI: e.scoringUri ?? null,
  });
}

export function endpointsTable(list: Endpoint[]): string {
  if (list.length === 0) return '';
  return `${table(
    ['NAME', 'AUTH MODE', 'STATE', 'TRAFFIC', 'SCORING URI'],
    list.map((e) => [
      e.endpoint,
      e.authMode,
      e.provisioningState,
      Object.entries(e.traffic)
        .map(([d, p]) => `${d}=${p}`)
        .join(',') || '-',
      e.scoringUri ?? '-',
    ]),
  )}\n`;
}

function print(rt: Runtime, e: Endpoint): void {
  rt.emit(endpointView(e), {text: () => endpointText(e), env: () => endpointEnv(e)});
}

/** Progress of a long-running operation on stderr: one line per state change. */
function progressNote(rt: Runtime, name: string, verb: string): (p: OperationProgress) => void {
  let last = '';
  return (p) => {
    if (p.provisioningState === last) return;
    last = p.provisioningState;
    rt.note(
      `aml-auth: ${verb} ${visible(name)}: ${p.provisioningState} (${formatElapsed(p.elapsedMs)})`,
    );
  };
}

function authModeOf(value: string, flag: string): AuthMode {
  const mode = parseAuthMode(value);
  if (!mode) {
    throw new CliError(
      `${flag} '${value}' is not an auth mode`,
      ExitCode.usage,
      `use ${AUTH_MODES.join(', ')}`,
    );
  }
  return mode;
}

/** Reads and checks the endpoint YAML before anything signs in. */
export async function readEndpointFile(path: string): Promise<EndpointSpec> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? (err as Error).message)})`,
      ExitCode.usage,
      'give the endpoint YAML file, as for az ml online-endpoint create --file',
    );
  }
  try {
    return parseEndpointFile(text, path);
  } catch (err) {
    if (err instanceof EndpointFileError) throw new CliError(err.message, ExitCode.usage, err.hint);
    throw err;
  }
}

export function runEndpointsList(flags: EndpointsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {target} = await loadTarget(rt, ['subscription', 'workspace']);
    const resolved = await resolveWorkspace(rt, await connect(rt, target));
    const list = await resolved.services.listEndpoints(
      workspaceOf(resolved.ref, resolved.found),
      rt.signal,
    );
    list.sort((a, b) => a.endpoint.localeCompare(b.endpoint));
    if (rt.format === 'text' && list.length === 0) {
      rt.note(`No online endpoints in ${visible(resolved.ref.workspace)}.`);
      return;
    }
    rt.emit(list.map(endpointView), {
      text: () => endpointsTable(list),
      env: () => envLines({ENDPOINT_NAMES: list.map((e) => e.endpoint).join(' ')}),
    });
  });
}

export function runEndpointsShow(flags: EndpointsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    nameInto(flags);
    const loaded = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, loaded.target));
    const endpoint = await getEndpoint(rt, resolved);
    learnEndpoint(rt, loaded, endpoint);
    print(rt, endpoint);
  });
}

/** `--name` is the endpoint (as in az ml); it wins over --endpoint and the profile's. */
function nameInto(flags: EndpointsFlags): string | undefined {
  const name = flags.name?.trim();
  if (name) flags.endpoint = name;
  return name;
}

export function runEndpointsCreate(flags: EndpointsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    // Everything about the file and flags is checked before signing in: nothing is created
    // from a file that would be refused.
    const spec: EndpointSpec = flags.file
      ? await readEndpointFile(flags.file)
      : {authMode: 'key', identityType: 'SystemAssigned'};
    if (flags.authMode) spec.authMode = authModeOf(flags.authMode, '--auth-mode');
    if (flags.description !== undefined) spec.description = flags.description;
    const name = flags.name?.trim() || spec.name;
    if (!name) {
      throw new CliError(
        'which endpoint should I create?',
        ExitCode.usage,
        'give --name NAME, or name: in the --file YAML',
      );
    }
    assertName('endpoint', name);
    flags.endpoint = name;
    if (!flags.file && !flags.authMode) {
      rt.note('aml-auth: no --auth-mode given: creating a key endpoint (as az ml does)');
    }

    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveWorkspace(rt, await connect(rt, target), {lookup: true});
    const ws = resolved.found!;
    const ref = {...resolved.ref, endpoint: name};
    const created = await resolved.services.createEndpoint(
      ref,
      {
        location: ws.location,
        authMode: spec.authMode,
        identityType: spec.identityType,
        ...(spec.description ? {description: spec.description} : {}),
        ...(spec.tags ? {tags: spec.tags} : {}),
      },
      progressNote(rt, name, 'creating'),
      rt.signal,
      {noWait: flags.wait === false},
    );
    if (flags.wait === false)
      rt.note(
        `aml-auth: ${visible(name)} is ${created.provisioningState.toLowerCase()}; follow it with: aml-auth endpoints show --name ${name}`,
      );
    print(rt, created);
  });
}

export function runEndpointsUpdate(flags: EndpointsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    nameInto(flags);
    if (!flags.authMode) {
      throw new CliError(
        'nothing to update',
        ExitCode.usage,
        `give --auth-mode (${AUTH_MODES.join(', ')})`,
      );
    }
    const mode = authModeOf(flags.authMode, '--auth-mode');
    const loaded = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, loaded.target));
    const current = await getEndpoint(rt, resolved);
    if (current.authMode === mode) {
      rt.note(`aml-auth: ${visible(current.endpoint)} already uses ${mode}; nothing to change`);
      print(rt, current);
      return;
    }
    await confirm(
      rt,
      `Change the auth mode of ${visible(current.endpoint)} from ${current.authMode} to ${mode}? Clients using ${current.authMode === 'key' ? 'its keys' : `${current.authMode} tokens`} stop working.`,
      Boolean(flags.yes),
      `changing the auth mode of ${visible(current.endpoint)}`,
    );
    const updated = await resolved.services.setAuthMode(
      current,
      mode,
      progressNote(rt, current.endpoint, 'updating'),
      rt.signal,
      {noWait: flags.wait === false},
    );
    // A profile of this endpoint now remembers its new auth mode.
    learnEndpoint(rt, loaded, updated);
    print(rt, updated);
  });
}

export function runEndpointsDelete(flags: EndpointsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    nameInto(flags);
    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, target));
    const name = resolved.ref.endpoint;
    await confirm(
      rt,
      `Delete endpoint ${visible(name)} and all its deployments in ${visible(resolved.ref.workspace)}?`,
      Boolean(flags.yes),
      `deleting ${visible(name)}`,
    );
    const deleted = await resolved.services.deleteEndpoint(
      resolved.ref,
      progressNote(rt, name, 'deleting'),
      rt.signal,
      {noWait: flags.wait === false},
    );
    if (!deleted) {
      throw new CliError(
        `no endpoint named ${name} in ${resolved.ref.workspace}`,
        ExitCode.notFound,
        'list them with aml-auth endpoints list',
      );
    }
    const value = {name, deleted: true, waited: flags.wait !== false};
    rt.emit(value, {
      text: () =>
        flags.wait === false
          ? `Deleting endpoint ${visible(name)} (not waited for).\n`
          : `Deleted endpoint ${visible(name)}.\n`,
      env: () => envLines({ENDPOINT_NAME: name, ENDPOINT_DELETED: true}),
    });
  });
}
