/**
 * `aml-auth roles check`: the wizard's permission preflight — for the signed-in identity or
 * `--principal OBJECT_ID` — as a checklist (text), a document (json) or exports (env). Exits 4 when
 * a permission the endpoint's auth mode requires is missing.
 */
import {visible} from '../lib/visible';
import {toAppError} from '../azure/errors';
import type {
  AuthMode,
  Endpoint,
  Identity,
  PrincipalRef,
  PrincipalType,
  UnreadableRole,
} from '../domain/types';
import {preflight, type CheckItem} from '../domain/permissions';
import {adminHandOff} from '../domain/roles';
import {workspaceScope} from '../domain/scopes';
import {CliError, ExitCode} from './exit-codes';
import {GUID} from './selectors';
import {envLines, type Style} from './output';
import {
  connect,
  getEndpoint,
  loadTarget,
  resolveRef,
  runCommand,
  type CommonFlags,
} from './runtime';

export interface RolesCheckFlags extends CommonFlags {
  principal?: string;
  principalType?: string;
}

export const PRINCIPAL_TYPES: readonly PrincipalType[] = ['User', 'Group', 'ServicePrincipal'];

export function parsePrincipalType(value: string | undefined): PrincipalType {
  if (value === undefined) return 'User';
  const hit = PRINCIPAL_TYPES.find((t) => t.toLowerCase() === value.trim().toLowerCase());
  if (!hit) {
    throw new CliError(
      `--principal-type '${value}' is not a principal type`,
      ExitCode.usage,
      `use ${PRINCIPAL_TYPES.join(', ')}`,
    );
  }
  return hit;
}

export interface PreflightSubject {
  objectId: string;
  type: PrincipalType;
  name: string | null;
  signedIn: boolean;
}

export function subjectOf(identity: Identity): PreflightSubject {
  return {
    objectId: identity.objectId,
    type: identity.kind === 'user' ? 'User' : 'ServicePrincipal',
    name: identity.name,
    signedIn: true,
  };
}

export interface PreflightReport {
  principal: PreflightSubject;
  endpoint: {
    subscriptionId: string;
    resourceGroup: string;
    workspace: string;
    name: string;
    authMode: AuthMode;
  };
  ok: boolean;
  missing: string[];
  checks: CheckItem[];
  /** Role definitions assigned to the principal that could not be read: not counted. */
  unreadableRoles: UnreadableRole[];
  /** When something is missing: the role that grants it and the commands an admin runs. */
  handOff?: {role: string; scope: string; commands: string[]};
}

export function preflightReport(
  subject: PreflightSubject,
  endpoint: Pick<Endpoint, 'subscriptionId' | 'resourceGroup' | 'workspace' | 'endpoint'>,
  authMode: AuthMode,
  checks: CheckItem[],
  unreadableRoles: UnreadableRole[] = [],
): PreflightReport {
  const missing = checks.filter((c) => c.need === 'required' && !c.ok).map((c) => c.action);
  const hand = missing.length
    ? adminHandOff({
        missing,
        principalId: subject.objectId,
        principalType: subject.type,
        scope: workspaceScope(endpoint),
        assignableScope: workspaceScope(endpoint),
      })
    : undefined;
  return {
    principal: subject,
    endpoint: {
      subscriptionId: endpoint.subscriptionId,
      resourceGroup: endpoint.resourceGroup,
      workspace: endpoint.workspace,
      name: endpoint.endpoint,
      authMode,
    },
    ok: missing.length === 0,
    missing,
    checks,
    unreadableRoles,
    ...(hand
      ? {
          handOff: {
            role: hand.choice.template.roleName,
            scope: hand.scope,
            commands: hand.commands,
          },
        }
      : {}),
  };
}

export function preflightText(report: PreflightReport, style: Style): string {
  const who = visible(
    report.principal.name
      ? `${report.principal.name} (${report.principal.type} ${report.principal.objectId})`
      : `${report.principal.type} ${report.principal.objectId}`,
  );
  const width = Math.max(...report.checks.map((c) => c.label.length));
  const lines = [
    `Permission preflight for ${who}`,
    visible(
      `on ${report.endpoint.name} (${report.endpoint.authMode}) in ${report.endpoint.workspace}`,
    ),
    '',
    ...report.checks.map((c) => {
      const mark = c.ok ? style.ok('✓') : c.need === 'required' ? style.bad('✗') : style.warn('✗');
      const need = c.need === 'required' ? 'required' : style.dim('optional');
      return `  ${mark} ${c.label.padEnd(width)}  ${need.padEnd(8)}  ${style.dim(c.action)}`;
    }),
    ...report.unreadableRoles.map((u) =>
      visible(
        `  ${style.warn('?')} could not read role definition ${u.roleDefinitionId} (assigned at ${u.scope}): what it grants is not counted — ${u.reason}`,
      ),
    ),
    '',
    report.ok
      ? `${style.ok('✓')} everything the ${report.endpoint.authMode} auth mode needs is granted`
      : `${style.bad('✗')} missing: ${report.missing.join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function preflightEnv(report: PreflightReport): string {
  return envLines({
    PREFLIGHT_OK: report.ok,
    PREFLIGHT_MISSING: report.missing.join(' '),
    PREFLIGHT_PRINCIPAL_ID: report.principal.objectId,
    PREFLIGHT_AUTH_MODE: report.endpoint.authMode,
  });
}

export function runRolesCheck(flags: RolesCheckFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const principalType = parsePrincipalType(flags.principalType);
    if (flags.principal !== undefined && !GUID.test(flags.principal.trim())) {
      throw new CliError(
        `--principal '${flags.principal}' is not an object ID`,
        ExitCode.usage,
        'give the object ID (a GUID) of the user, group or service principal — for an app, its service principal object ID, not the client ID',
      );
    }
    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, target));
    const {services, ref} = resolved;

    // The preflight is how people find out what they may not do: a denied read of the endpoint
    // is one of its answers, not a reason to stop (the profile remembers the auth mode).
    let authMode = target.authMode;
    try {
      authMode = (await getEndpoint(rt, resolved)).authMode;
    } catch (err) {
      const app = toAppError(err);
      if (app.kind !== 'permission' || !authMode) throw err;
      rt.warn(
        `cannot read ${ref.endpoint} (${app.title}); using the auth mode the profile remembers, ${authMode}`,
      );
    }

    let subject: PreflightSubject;
    let blocks;
    let unreadable: UnreadableRole[] = [];
    if (flags.principal) {
      const principal: PrincipalRef = {objectId: flags.principal.trim(), type: principalType};
      subject = {objectId: principal.objectId, type: principalType, name: null, signedIn: false};
      ({blocks, unreadable} = await services.principalPermissions(principal, ref, rt.signal));
    } else {
      subject = subjectOf(resolved.signIn.identity);
      blocks = await services.myPermissions(ref, rt.signal);
    }
    for (const u of unreadable)
      rt.warn(visible(`could not read role definition ${u.roleDefinitionId}: ${u.reason}`));
    const report = preflightReport(
      subject,
      ref,
      authMode!,
      preflight(blocks, authMode!),
      unreadable,
    );

    rt.emit(report, {
      env: () => preflightEnv(report),
      text: () => preflightText(report, rt.style),
    });
    if (!report.ok) {
      rt.note(
        `aml-auth: permission denied: ${subject.name ?? subject.objectId} lacks ${report.missing.join(', ')} on ${ref.endpoint}`,
      );
      const hand = report.handOff!;
      rt.note(
        `  hint: assign ${hand.role} (it grants that) at ${hand.scope}; \`aml-auth\` (the wizard) can do it, or hand these commands to an admin (an Owner or User Access Administrator there):`,
      );
      for (const c of hand.commands) rt.note(`    ${c}`);
      return ExitCode.permissionDenied;
    }
    return ExitCode.ok;
  });
}
