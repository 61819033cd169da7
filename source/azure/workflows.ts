/**
 * The workflows the screens and the commands share (WorkflowServices), composed once from the
 * other Services calls. They hold no client of their own, so createServices and a fake Services
 * for tests get the same workflows from the same code.
 */
import {ServiceError, toAppError} from './errors';
import {refusesTheRest, summarize} from '../domain/scoring';
import {
  WORKSPACE_AMBIGUOUS,
  WORKSPACE_NOT_FOUND,
  type Services,
  type WorkflowServices,
} from '../domain/services';
import type {AppError, InvokeResult, Workspace} from '../domain/types';
import {
  isoDuration,
  summarizeCounts,
  summaryQuery,
  toTrafficRow,
  TRAFFIC_LOG_OFF,
  trafficQuery,
} from '../domain/traffic-log';

/** The calls the workflows are made of. */
export type WorkflowBase = Omit<Services, keyof WorkflowServices>;

/** findWorkspace found none (`visible`: all the workspaces the identity sees) or several. */
export class WorkspaceLookupError extends ServiceError {
  constructor(
    appError: AppError,
    readonly reason: 'notFound' | 'ambiguous',
    /** The workspace name asked for, as given. */
    readonly wanted: string,
    /** Every workspace of the subscription this identity sees. */
    readonly visible: Workspace[],
    /** Those with the name (several when ambiguous, none when not found). */
    readonly matches: Workspace[],
  ) {
    super(appError);
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const listed = (all: Workspace[]) => all.map((w) => `${w.name} (${w.resourceGroup})`).join(', ');

/**
 * The workflows over `base`. Each call goes through `base` when it runs, so a method replaced on
 * it later (a test's override) is the one used.
 */
export function workflows(base: WorkflowBase): WorkflowServices {
  return {
    async scoringCredential(endpoint, options, signal) {
      switch (endpoint.authMode) {
        case 'key': {
          const which = options.which ?? 'primary';
          const keys = await base.listKeys(endpoint, signal);
          const value = which === 'primary' ? keys.primaryKey : keys.secondaryKey;
          return {credential: {kind: 'key', value, which}, keys};
        }
        case 'aml_token':
          return {credential: await base.amlToken(endpoint, signal)};
        case 'aad_token':
          return {credential: await base.aadToken(signal)};
      }
    },

    async assignRoleTemplate(template, principal, scope, options, signal) {
      // A built-in role is found at the scope it is assigned at; a custom role is defined with
      // the assignable scope chosen for it.
      const definitionScope = template.builtInId ? scope : (options.assignableScope ?? scope);
      const role = await base.ensureRoleDefinition(template, definitionScope, signal);
      const result = await base.assignRole(role.id, principal, scope, signal);
      return {role, result};
    },

    async findWorkspace(subscriptionId, name, resourceGroup, signal) {
      const visible = await base.listWorkspaces(subscriptionId, signal);
      const matches = visible.filter(
        (w) =>
          same(w.name, name) &&
          (resourceGroup === undefined || same(w.resourceGroup, resourceGroup)),
      );
      if (matches.length === 1) return matches[0]!;
      const where = resourceGroup ? ` in resource group ${resourceGroup}` : '';
      if (matches.length === 0) {
        throw new WorkspaceLookupError(
          {
            kind: 'notFound',
            code: WORKSPACE_NOT_FOUND,
            title: `Workspace ${name} not found`,
            detail: `No workspace named ${name}${where} in subscription ${subscriptionId} is visible to this identity.`,
            nextSteps: [
              visible.length
                ? `Workspaces this identity sees: ${listed(visible)}.`
                : 'This identity sees no workspace in the subscription: check its role assignments.',
            ],
          },
          'notFound',
          name,
          visible,
          matches,
        );
      }
      const groups = matches.map((w) => w.resourceGroup);
      throw new WorkspaceLookupError(
        {
          kind: 'invalid',
          code: WORKSPACE_AMBIGUOUS,
          title: `Workspace ${name} is in ${matches.length} resource groups`,
          detail: `Workspaces named ${name} exist in ${groups.join(', ')}${where}.`,
          nextSteps: [`Choose the resource group: ${groups.join(', ')}.`],
        },
        'ambiguous',
        name,
        visible,
        matches,
      );
    },

    async invokeRepeated(request, count, onProgress, signal) {
      if (!Number.isInteger(count) || count < 1) {
        throw new ServiceError({
          kind: 'invalid',
          title: 'Nothing to send',
          detail: `A request is sent a whole number of times, at least once (not ${count}).`,
          nextSteps: [],
        });
      }
      const results: InvokeResult[] = [];
      onProgress(0, count);
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        try {
          results.push(await base.invoke(request, signal));
        } catch (err) {
          // One request is the whole run: its failure is the answer. In a run of many, one lost
          // connection is one failed request in the summary, not the end of the run.
          if (count === 1 || signal?.aborted) throw err;
          const app = toAppError(err, {operation: 'score the endpoint'});
          if (app.kind === 'cancelled' || app.kind === 'auth' || app.kind === 'invalid') throw err;
          results.push({
            status: 0,
            latencyMs: performance.now() - started,
            body: '',
            headers: {},
            transportError: `${app.title}: ${app.detail}`,
          });
        }
        onProgress(i + 1, count);
        const status = results.at(-1)!.status;
        if (i < count - 1 && refusesTheRest(status)) {
          return {
            results,
            summary: {...summarize(results), stopped: {after: i + 1, requested: count, status}},
          };
        }
      }
      return {results, summary: summarize(results)};
    },

    async readTrafficLog(ref, filter, names, signal) {
      const status = await base.trafficLogging(ref, signal);
      const destination = status.destinations[0];
      if (!destination) {
        throw new ServiceError({
          kind: 'notFound',
          code: TRAFFIC_LOG_OFF,
          title: `Traffic logging is off for ${ref.endpoint}`,
          detail: status.settings.length
            ? `The endpoint's diagnostic settings (${status.settings.map((s) => s.name).join(', ')}) send no AmlOnlineEndpointTrafficLog to a Log Analytics workspace.`
            : 'The endpoint has no diagnostic settings, so no traffic log is kept.',
          nextSteps: [
            'Turn it on: `aml-auth logs enable --workspace-id <Log Analytics workspace resource ID>` or the Traffic log screen of the endpoint.',
          ],
        });
      }
      const workspace = await base.getLogAnalyticsWorkspace(destination, signal);
      const kql = trafficQuery(ref.endpoint, filter);
      const timespan = isoDuration(filter.sinceMs);
      const [rows, counts] = await Promise.all([
        base.queryLogs(workspace.customerId, kql, timespan, signal),
        base.queryLogs(workspace.customerId, summaryQuery(ref.endpoint, filter), timespan, signal),
      ]);
      return {
        workspace,
        kql,
        rows: rows.map((r) => toTrafficRow(r, names)),
        summary: summarizeCounts(
          counts.map((c) => ({
            authType: String(c.AuthType ?? ''),
            identity: String(c.IdentityData ?? ''),
            responseCode: Number(c.ResponseCode ?? 0),
            count: Number(c.count_ ?? 0),
          })),
          names,
        ),
      };
    },
  };
}
