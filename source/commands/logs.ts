/**
 * `aml-auth logs traffic | enable | workspaces`: the endpoint's traffic log
 * (`AmlOnlineEndpointTrafficLog` in the Log Analytics workspace its diagnostic settings send it
 * to) — who called, with which auth type, and what they got — and turning it on. Each command's
 * result is one JSON-able value with a text rendering.
 */
import {visible} from '../lib/visible';
import {parseAuthMode, toWireAuthMode} from '../domain/auth-mode';
import {
  callerLabel,
  directory,
  kqlTimespan,
  type LogAnalyticsWorkspaceInfo,
  parseSince,
  summaryLine,
  type TrafficLogFilter,
  type TrafficLogResult,
  type TrafficLoggingStatus,
  TRAFFIC_SETTING_NAME,
} from '../domain/traffic-log';
import type {CloudConfig, EndpointRef, Identity} from '../domain/types';
import {CliError, ExitCode} from './exit-codes';
import {table, type Style} from './output';
import {GUID} from './selectors';
import {connect, loadTarget, resolveRef, runCommand, type CommonFlags} from './runtime';

export interface LogsTrafficFlags extends CommonFlags {
  since?: string;
  failures?: boolean;
  authType?: string;
  identity?: string;
  requestId?: string;
  top?: string;
  showQuery?: boolean;
}

export interface LogsEnableFlags extends CommonFlags {
  workspaceId?: string;
}

/** The filter the flags ask for, or a usage error (exit 2). */
export function trafficFilter(flags: LogsTrafficFlags): TrafficLogFilter {
  const sinceMs = parseSince(flags.since ?? '1h');
  if (sinceMs === undefined || sinceMs > 90 * 86_400_000) {
    throw new CliError(
      `--since '${flags.since}' is not a time window`,
      ExitCode.usage,
      'use a number and a unit, up to 90d: 15m, 1h, 24h, 7d',
    );
  }
  const filter: TrafficLogFilter = {sinceMs};
  if (flags.failures) filter.failuresOnly = true;
  if (flags.authType !== undefined) {
    const mode = parseAuthMode(flags.authType);
    if (!mode) {
      throw new CliError(
        `--auth-type '${flags.authType}' is not an auth type`,
        ExitCode.usage,
        'use key, aml_token or aad_token (or Key, AMLToken, AADToken)',
      );
    }
    filter.authType = mode;
  }
  if (flags.identity !== undefined) {
    if (!GUID.test(flags.identity.trim())) {
      throw new CliError(
        `--identity '${flags.identity}' is not an object ID`,
        ExitCode.usage,
        "give the caller's object ID (the token's oid claim, as IdentityData holds it)",
      );
    }
    filter.identity = flags.identity.trim();
  }
  if (flags.requestId !== undefined) {
    if (!/^[A-Za-z0-9-]{8,64}$/.test(flags.requestId.trim())) {
      throw new CliError(
        `--request-id '${flags.requestId}' is not a request ID`,
        ExitCode.usage,
        'give the x-request-id a scoring response carried (aml-auth invoke --include prints it)',
      );
    }
    filter.requestId = flags.requestId.trim();
  }
  if (flags.top !== undefined) {
    const n = Number(flags.top);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw new CliError(
        `--top '${flags.top}' is not a row count`,
        ExitCode.usage,
        'use 1 to 10000',
      );
    }
    filter.take = n;
  }
  return filter;
}

/** Object ID → name: the signed-in identity and the principals the cloud file names. */
export function knownPrincipals(cloud: CloudConfig, identity: Identity): Map<string, string> {
  // The cloud file's names win: for an application the identity's name is its client ID.
  return directory([
    {objectId: identity.objectId, name: identity.displayName ?? identity.name},
    ...(cloud.principals ?? []),
  ]);
}

const endpointJson = (ref: EndpointRef) => ({
  subscriptionId: ref.subscriptionId,
  resourceGroup: ref.resourceGroup,
  workspace: ref.workspace,
  name: ref.endpoint,
});

export interface TrafficReport {
  endpoint: ReturnType<typeof endpointJson>;
  workspace: LogAnalyticsWorkspaceInfo;
  since: string;
  filter: {
    failuresOnly: boolean;
    authType: string | null;
    identity: string | null;
    requestId: string | null;
  };
  kql: string;
  summary: TrafficLogResult['summary'];
  requests: TrafficLogResult['rows'];
}

export function trafficReport(
  ref: EndpointRef,
  f: TrafficLogFilter,
  r: TrafficLogResult,
): TrafficReport {
  return {
    endpoint: endpointJson(ref),
    workspace: r.workspace,
    since: kqlTimespan(f.sinceMs),
    filter: {
      failuresOnly: Boolean(f.failuresOnly),
      authType: f.authType ? toWireAuthMode(f.authType) : null,
      identity: f.identity ?? null,
      requestId: f.requestId ?? null,
    },
    kql: r.kql,
    summary: r.summary,
    requests: r.rows,
  };
}

const clock = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z');

export function trafficText(report: TrafficReport, style: Style, showQuery: boolean): string {
  const lines = [
    visible(
      `Traffic log of ${report.endpoint.name} — last ${report.since}, from ${report.workspace.name}${report.filter.failuresOnly ? ', failures only' : ''}${report.filter.authType ? `, ${report.filter.authType} only` : ''}${report.filter.identity ? `, identity ${report.filter.identity}` : ''}${report.filter.requestId ? `, request ${report.filter.requestId}` : ''}`,
    ),
    '',
  ];
  if (report.requests.length === 0) lines.push('  no requests in this window');
  else {
    lines.push(
      table(
        [
          'TIME (UTC)',
          'STATUS',
          'REASON',
          'AUTH',
          'CALLER',
          'DEPLOYMENT',
          'MODEL',
          'MS',
          'REQUEST ID',
        ],
        report.requests.map((r) => [
          clock(r.time),
          String(r.responseCode),
          r.responseCodeReason,
          r.authType,
          callerLabel(r.identity, r.identityName, r.authType),
          r.deployment || '-',
          r.modelStatusCode === null ? '-' : `${r.modelStatusCode} ${r.modelStatusReason}`.trim(),
          String(r.durationMs),
          r.requestId,
        ]),
      ),
    );
  }
  lines.push('', visible(summaryLine(report.summary)));
  if (showQuery)
    lines.push('', style.dim('KQL (paste it into the Logs blade of the workspace):'), report.kql);
  return `${lines.join('\n')}\n`;
}

export function runLogsTraffic(flags: LogsTrafficFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const filter = trafficFilter(flags);
    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, target));
    const {services, ref} = resolved;
    const names = knownPrincipals(resolved.cloud, resolved.signIn.identity);
    const result = await services.readTrafficLog(ref, filter, names, rt.signal);
    const report = trafficReport(ref, filter, result);
    rt.emit(report, {text: () => trafficText(report, rt.style, Boolean(flags.showQuery))});
    if (result.rows.length === 0) {
      rt.note(
        'aml-auth: no requests yet: in Azure, records take a few minutes (often 2-5) to reach the workspace after a request',
      );
    }
    return ExitCode.ok;
  });
}

const isResourceId = (s: string) => s.trim().startsWith('/');

/** `--workspace-id`: a Log Analytics workspace's resource ID, or its name in the subscription. */
async function pickWorkspace(
  list: () => Promise<LogAnalyticsWorkspaceInfo[]>,
  wanted: string,
  subscription: string,
): Promise<string> {
  if (isResourceId(wanted)) {
    if (
      !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i.test(
        wanted.trim(),
      )
    ) {
      throw new CliError(
        `--workspace-id '${wanted}' is not a Log Analytics workspace resource ID`,
        ExitCode.usage,
        'the form is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.OperationalInsights/workspaces/NAME (aml-auth logs workspaces lists them)',
      );
    }
    return wanted.trim();
  }
  const all = await list();
  const matches = all.filter((w) => w.name.toLowerCase() === wanted.trim().toLowerCase());
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) {
    throw new CliError(
      `${matches.length} Log Analytics workspaces are named "${wanted}"`,
      ExitCode.usage,
      `pass the resource ID: ${matches.map((w) => w.id).join(', ')}`,
    );
  }
  throw new CliError(
    `no Log Analytics workspace named "${wanted}" in subscription ${subscription}`,
    ExitCode.notFound,
    all.length
      ? `workspaces: ${all.map((w) => `${w.name} (${w.resourceGroup})`).join(', ')}`
      : noWorkspaceHint(),
  );
}

export const noWorkspaceHint = () =>
  'the subscription has no Log Analytics workspace you can see; create one: az monitor log-analytics workspace create -g <resource group> -n <name>';

export interface EnableReport {
  endpoint: ReturnType<typeof endpointJson>;
  workspaceId: string;
  setting: string;
  created: boolean;
  status: TrafficLoggingStatus;
}

export function enableText(r: EnableReport, style: Style): string {
  const law = r.workspaceId.split('/').pop() ?? r.workspaceId;
  return `${visible(
    r.created
      ? `${style.ok('✓')} traffic logging is on for ${r.endpoint.name}: diagnostic setting ${r.setting} sends AmlOnlineEndpointTrafficLog to ${law}`
      : `${style.ok('✓')} traffic logging was already on for ${r.endpoint.name} (to ${law}): nothing changed`,
  )}\n  Records take a few minutes to appear in Azure; then: aml-auth logs traffic\n`;
}

export function runLogsEnable(flags: LogsEnableFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    if (!flags.workspaceId?.trim()) {
      throw new CliError(
        'logs enable needs --workspace-id',
        ExitCode.usage,
        'the Log Analytics workspace (resource ID or name) to send the traffic log to; aml-auth logs workspaces lists them',
      );
    }
    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, target));
    const {services, ref} = resolved;
    const workspaceId = await pickWorkspace(
      () => services.listLogAnalyticsWorkspaces(ref.subscriptionId, rt.signal),
      flags.workspaceId,
      resolved.subscriptionName ?? ref.subscriptionId,
    );
    const {status, created} = await services.enableTrafficLogging(ref, workspaceId, rt.signal);
    const setting =
      status.settings.find(
        (s) =>
          s.workspaceResourceId?.toLowerCase() === workspaceId.toLowerCase() &&
          s.categories.some((c) => c.category === 'AmlOnlineEndpointTrafficLog' && c.enabled),
      )?.name ?? TRAFFIC_SETTING_NAME;
    const report: EnableReport = {
      endpoint: endpointJson(ref),
      workspaceId,
      setting,
      created,
      status,
    };
    rt.emit(report, {text: () => enableText(report, rt.style)});
    return ExitCode.ok;
  });
}

export function runLogsWorkspaces(flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    // The endpoint's subscription: the same selectors (or profile) as the other logs commands.
    const {target} = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    const resolved = await resolveRef(rt, await connect(rt, target));
    const list = await resolved.services.listLogAnalyticsWorkspaces(
      resolved.ref.subscriptionId,
      rt.signal,
    );
    if (rt.format === 'text' && list.length === 0) {
      rt.note(`aml-auth: ${noWorkspaceHint()}`);
      return ExitCode.ok;
    }
    rt.emit(
      {workspaces: list},
      {
        text: () =>
          table(
            ['NAME', 'RESOURCE GROUP', 'LOCATION', 'WORKSPACE ID', 'RESOURCE ID'],
            list.map((w) => [w.name, w.resourceGroup, w.location ?? '', w.customerId, w.id]),
          ),
      },
    );
    return ExitCode.ok;
  });
}
