/**
 * `aml-auth profiles list|show|rename|rm`: the saved setups. A profile holds no secret; `show`
 * prints the sign-in account a saved sign-in belongs to, never the record itself.
 */
import type {Profile} from '../profiles/types';
import {localTime, relative} from '../lib/time';
import {CliError, ExitCode} from './exit-codes';
import {envLines, rows, table, timePair} from './output';
import {resolve} from 'node:path';
import {
  assertName,
  connect,
  getEndpoint,
  loadTarget,
  openStore,
  resolveRef,
  runCommand,
  type CommonFlags,
  type Runtime,
} from './runtime';

/** The account a serialized AuthenticationRecord names (its `username`), if readable. */
export function accountOf(record: string | undefined): string | null {
  if (!record) return null;
  try {
    const parsed = JSON.parse(record) as {username?: unknown};
    return typeof parsed.username === 'string' && parsed.username ? parsed.username : null;
  } catch {
    return null;
  }
}

/** The documented JSON of one profile. */
export function profileView(p: Profile) {
  return {
    name: p.name,
    cloud: p.cloud,
    tenantId: p.tenantId,
    signIn: {
      method: p.signIn.method,
      clientId: p.signIn.clientId ?? null,
      certificatePath: p.signIn.certificatePath ?? null,
      account: accountOf(p.signIn.authenticationRecord),
      savedSignIn: Boolean(p.signIn.authenticationRecord),
    },
    subscription: {id: p.subscription.id, name: p.subscription.name},
    resourceGroup: p.resourceGroup,
    workspace: p.workspace,
    endpoint: p.endpoint,
    authMode: p.authMode,
    deployment: p.deployment ?? null,
    lastRequestFile: p.lastRequestFile ?? null,
    ...timePair('createdAt', Date.parse(p.createdAt)),
    ...timePair('lastUsedAt', Date.parse(p.lastUsedAt)),
  };
}

export function profileEnv(p: Profile): string {
  return envLines({
    AML_AUTH_PROFILE: p.name,
    AML_AUTH_CLOUD: p.cloud,
    AML_AUTH_TENANT_ID: p.tenantId,
    AML_AUTH_SUBSCRIPTION_ID: p.subscription.id,
    AML_AUTH_RESOURCE_GROUP: p.resourceGroup,
    AML_AUTH_WORKSPACE: p.workspace,
    AML_AUTH_ENDPOINT: p.endpoint,
    AML_AUTH_ENDPOINT_AUTH_MODE: p.authMode,
    AML_AUTH_SIGN_IN_METHOD: p.signIn.method,
  });
}

export function profilesTable(profiles: Profile[], now: number): string {
  if (profiles.length === 0) return '';
  return `${table(
    ['NAME', 'ENDPOINT', 'AUTH MODE', 'WORKSPACE', 'SUBSCRIPTION', 'SIGN-IN', 'LAST USED'],
    profiles.map((p) => [
      p.name,
      p.endpoint,
      p.authMode,
      p.workspace,
      p.subscription.name || p.subscription.id,
      p.signIn.method,
      relative(Date.parse(p.lastUsedAt), now),
    ]),
  )}\n`;
}

export function profileText(p: Profile, now: number): string {
  const account = accountOf(p.signIn.authenticationRecord);
  const pairs: [string, string][] = [
    ['cloud', p.cloud],
    ['tenant', p.tenantId],
    [
      'sign-in',
      `${p.signIn.method}${p.signIn.clientId ? ` (client ID ${p.signIn.clientId})` : ''}${account ? ` as ${account}` : ''}`,
    ],
    ['subscription', `${p.subscription.name} (${p.subscription.id})`],
    ['resource group', p.resourceGroup],
    ['workspace', p.workspace],
    ['endpoint', p.endpoint],
    ['auth mode', p.authMode],
  ];
  if (p.deployment) pairs.push(['deployment', p.deployment]);
  if (p.lastRequestFile) pairs.push(['request file', p.lastRequestFile]);
  pairs.push(['created', localTime(Date.parse(p.createdAt), now)]);
  pairs.push([
    'last used',
    `${localTime(Date.parse(p.lastUsedAt), now)} (${relative(Date.parse(p.lastUsedAt), now)})`,
  ]);
  return `${p.name}\n${rows(pairs)}\n`;
}

function nameOf(rt: Runtime, name: string | undefined, verb: string): string {
  const chosen = name ?? rt.flags.profile;
  if (!chosen) {
    throw new CliError(
      `which profile should I ${verb}?`,
      ExitCode.usage,
      `aml-auth profiles ${verb} NAME (see aml-auth profiles list)`,
    );
  }
  return chosen;
}

export function runProfilesList(flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {store, path} = await openStore(rt);
    const profiles = store.list();
    rt.emit(
      {path, profiles: profiles.map(profileView)},
      {
        env: () => envLines({AML_AUTH_PROFILES: profiles.map((p) => p.name).join(' ')}),
        text: () => {
          if (profiles.length) return profilesTable(profiles, Date.now());
          rt.note(
            `No profiles yet (${path}). Finish a setup in the wizard (aml-auth) to save one.`,
          );
          return '';
        },
      },
    );
  });
}

export function runProfilesShow(name: string | undefined, flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {store, path} = await openStore(rt);
    const profile = store.get(nameOf(rt, name, 'show'));
    rt.emit(
      {path, profile: profileView(profile)},
      {env: () => profileEnv(profile), text: () => profileText(profile, Date.now())},
    );
  });
}

export function runProfilesRename(from: string, to: string, flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {store} = await openStore(rt);
    const renamed = store.rename(from, to);
    rt.emit(
      {renamed: {from, to: renamed.name}, profile: profileView(renamed)},
      {
        env: () => envLines({AML_AUTH_PROFILE: renamed.name}),
        text: () => `Renamed profile "${from}" to "${renamed.name}".\n`,
      },
    );
  });
}

export function runProfilesRemove(name: string, flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {store} = await openStore(rt);
    const removed = store.remove(name);
    rt.emit(
      {removed: profileView(removed)},
      {
        env: () => envLines({AML_AUTH_PROFILE: removed.name}),
        text: () =>
          `Removed profile "${removed.name}" (${removed.endpoint} in ${removed.workspace}).\n`,
      },
    );
  });
}

export interface ProfilesSaveFlags extends CommonFlags {
  deployment?: string;
  force?: boolean;
}

/**
 * `profiles save NAME`: a profile from the selectors, without the wizard — for a CI job. It signs
 * in and reads the endpoint first, so what is saved is known to work (its auth mode and scoring
 * URI come from Azure). An existing profile is replaced only with --force.
 */
export function runProfilesSave(name: string, flags: ProfilesSaveFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {isValidProfileName} = await import('../profiles');
    if (!isValidProfileName(name)) {
      throw new CliError(
        `'${name}' is not a valid profile name`,
        ExitCode.usage,
        'use letters, digits, dot, dash and underscore (up to 64), starting with a letter or digit',
      );
    }
    const {store, path} = await openStore(rt);
    if (store.has(name) && !flags.force) {
      throw new CliError(
        `a profile named "${name}" exists`,
        ExitCode.usage,
        `add --force to replace it, or choose another name (aml-auth profiles show ${name})`,
      );
    }
    if (flags.deployment) assertName('deployment', flags.deployment);
    const loaded = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, loaded.target));
    const endpoint = await getEndpoint(rt, resolved);
    const {target} = loaded;
    const signIn: Profile['signIn'] = {method: target.signIn.method};
    const clientId =
      target.signIn.clientId ??
      (target.signIn.method === 'service-principal' ? process.env.AZURE_CLIENT_ID : undefined);
    if (clientId) signIn.clientId = clientId;
    if (target.signIn.certificatePath) signIn.certificatePath = target.signIn.certificatePath;
    const record = resolved.signIn.authenticationRecord ?? target.signIn.authenticationRecord;
    if (record) signIn.authenticationRecord = record;
    const subscriptionName =
      resolved.subscriptionName ??
      (await resolved.services.listSubscriptions(rt.signal).catch(() => [])).find(
        (s) => s.subscriptionId === resolved.ref.subscriptionId,
      )?.displayName ??
      resolved.ref.subscriptionId;
    const cloud = /[/\\]|\.json$/i.test(target.cloud) ? resolve(target.cloud) : target.cloud;
    const saved = store.save({
      name,
      cloud,
      tenantId: target.tenantId ?? resolved.signIn.identity.tenantId,
      signIn,
      subscription: {id: resolved.ref.subscriptionId, name: subscriptionName},
      resourceGroup: resolved.ref.resourceGroup,
      workspace: resolved.ref.workspace,
      endpoint: endpoint.endpoint,
      authMode: endpoint.authMode,
      ...(flags.deployment ? {deployment: flags.deployment} : {}),
      ...(endpoint.scoringUri ? {scoringUri: endpoint.scoringUri} : {}),
    });
    rt.emit(
      {path, profile: profileView(saved)},
      {
        text: () =>
          `Saved profile "${saved.name}": ${saved.endpoint} (${saved.authMode}) in ${saved.workspace}, signing in with ${saved.signIn.method}.\n  use it: aml-auth creds -p ${saved.name}\n`,
        env: () => profileEnv(saved),
      },
    );
  });
}
