/** The profile store, the profile and selectors a command targets, and the cloud they name. */
import {resolveCloud} from '../../azure/clouds';
import type {CloudConfig} from '../../domain/types';
import {
  DEPLOYMENT_NAME_RULE,
  deploymentNameProblem,
  ENDPOINT_NAME_RULE,
  endpointNameProblem,
} from '../../domain/validate';
import {CliError, ExitCode} from '../exit-codes';
import type {Profile} from '../../profiles/types';
import {mergeSelectors, requireSelectors, type Selector, type Target} from '../selectors';
import {Runtime} from './core';

export interface LoadedTarget {
  target: Target;
  profile?: Profile;
}

/** Opens the profile store, reporting a recovered or migrated file on stderr. */
export async function openStore(rt: Runtime) {
  const {openProfileStore} = await import('../../profiles');
  const opened = openProfileStore();
  if (opened.recovered) rt.warn(opened.recovered.reason);
  if (opened.quarantined) rt.warn(opened.quarantined.reason);
  if (opened.migrated) {
    rt.note(
      `aml-auth: profiles were upgraded from version ${opened.migrated.from} to ${opened.migrated.to}; the old file is at ${opened.migrated.backupPath}`,
    );
  }
  return opened;
}

/** The profile (when --profile is given) merged with the explicit selectors. */
export async function loadTarget(rt: Runtime, needs: readonly Selector[]): Promise<LoadedTarget> {
  let profile: Profile | undefined;
  if (rt.flags.profile) {
    const {store} = await openStore(rt);
    profile = store.get(rt.flags.profile);
    const name = profile.name;
    rt.onSuccess(() => store.touch(name, rt.learned));
  }
  const {readAzContext} = await import('../../lib/az-config');
  const target = mergeSelectors(profile, rt.flags, {env: process.env, az: readAzContext()});
  requireSelectors(target, needs);
  // A name Azure could never have is a typo (exit 2, with the rule), not a missing resource (5).
  if (target.endpoint) assertName('endpoint', target.endpoint);
  if (target.deployment) assertName('deployment', target.deployment);
  rt.trace(
    `target: cloud ${target.cloud} (${target.sources.cloud}), sign-in ${target.signIn.method} (${target.sources.method})` +
      `${target.subscriptionId || target.subscriptionName ? `, subscription ${target.subscriptionId ?? target.subscriptionName} (${target.sources.subscription})` : ''}` +
      `${target.resourceGroup ? `, resource group ${target.resourceGroup} (${target.sources.resourceGroup})` : ''}` +
      `${target.workspace ? `, workspace ${target.workspace} (${target.sources.workspace})` : ''}` +
      `${target.endpoint ? `, endpoint ${target.endpoint}` : ''}`,
  );
  return profile ? {target, profile} : {target};
}

/** Throws a usage error (exit 2) naming the rule when `name` cannot be an endpoint or deployment. */
export function assertName(kind: 'endpoint' | 'deployment', name: string): void {
  const problem = kind === 'endpoint' ? endpointNameProblem(name) : deploymentNameProblem(name);
  if (!problem) return;
  throw new CliError(
    `'${name}' is not a valid ${kind} name: ${problem.replace(/\.$/, '').toLowerCase()}`,
    ExitCode.usage,
    kind === 'endpoint' ? ENDPOINT_NAME_RULE : DEPLOYMENT_NAME_RULE,
  );
}

export async function loadCloud(target: Target): Promise<CloudConfig> {
  return resolveCloud(target.cloud);
}
