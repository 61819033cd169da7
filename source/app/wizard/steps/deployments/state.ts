import {
  CONTAINER_TYPES,
  type ContainerType,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_LOG_LINES,
  type DeploymentSpec,
  deleteProblem,
  type EnvironmentInfo,
  type ModelVersionInfo,
  newDeploymentNameProblem,
  type RegisteredModel,
  trafficProblem,
} from '../../../../domain/deployments';
import type {LocalAsset} from '../../../../domain/deployment-yaml';
import type {AppError, Deployment, OperationProgress} from '../../../../domain/types';
import {applyEdit, type TextEdit} from '../../../components/text-field';

/** Work the screen asks for; `useWork` runs it (see `./work.ts`). */
export type DeploymentsWork =
  | {id: number; kind: 'load'}
  | {id: number; kind: 'assets'}
  | {id: number; kind: 'readYaml'; file: string}
  | {id: number; kind: 'create'; spec: DeploymentSpec; allTraffic: boolean}
  | {id: number; kind: 'traffic'; traffic: Record<string, number>; mirror: Record<string, number>}
  | {id: number; kind: 'logs'; deployment: string; container: ContainerType; lines: number}
  | {id: number; kind: 'delete'; deployment: string};

/** A new deployment being put together (from the pickers, or a YAML file). */
export interface Draft {
  name: string;
  /** A registered model reference (`azureml:name:version`). */
  model: string;
  environment?: string;
  instanceType: string;
  instanceCount: string;
  allTraffic: boolean;
  /** Settings read from a YAML file that the form does not show (kept as they were). */
  fromYaml?: {file: string; spec: DeploymentSpec};
}

export type FormField = 'name' | 'instanceType' | 'instanceCount' | 'allTraffic';
export const FORM_FIELDS: FormField[] = ['name', 'instanceType', 'instanceCount', 'allTraffic'];

export interface TrafficRow {
  name: string;
  live: string;
  mirror: string;
}

export type Column = 'live' | 'mirror';

interface Shared {
  /** The endpoint's deployments, as last loaded. */
  deployments?: Deployment[];
  /** The highlighted deployment in the list, by name. */
  highlighted?: string;
  loadError?: AppError;
  /** What the last change did ("✓ blue created"), until the next one. */
  notice?: string;
  /** Work in flight (the list load runs beside any mode; the rest belong to their mode). */
  work?: DeploymentsWork;
  lastId: number;
}

export type DeploymentsState = Shared &
  (
    | {mode: 'list'}
    | {mode: 'pickModel'; models?: RegisteredModel[]; environments?: EnvironmentInfo[]}
    | {
        mode: 'pickEnvironment';
        models: RegisteredModel[];
        environments: EnvironmentInfo[];
        model: ModelVersionInfo;
      }
    | {mode: 'form'; draft: Draft; focus: FormField}
    | {mode: 'confirmCreate'; draft: Draft}
    | {mode: 'creating'; draft: Draft; progress?: OperationProgress}
    | {mode: 'yamlPath'; path: string}
    | {mode: 'yamlLocal'; file: string; locals: LocalAsset[]}
    | {mode: 'traffic'; rows: TrafficRow[]; row: number; column: Column}
    | {mode: 'confirmTraffic'; rows: TrafficRow[]}
    | {mode: 'applyingTraffic'; rows: TrafficRow[]; progress?: OperationProgress}
    | {
        mode: 'logs';
        deployment: string;
        container: ContainerType;
        lines: number;
        content?: string;
        error?: AppError;
        scroll: number;
        /** Opened straight from invoke: Esc goes back there, not to the list. */
        direct: boolean;
      }
    | {mode: 'confirmDelete'; deployment: string}
    | {mode: 'deleteRefused'; deployment: string; reason: string}
    | {mode: 'deleting'; deployment: string; progress?: OperationProgress}
    /** A change failed: Enter or Esc goes back to where it was asked for. */
    | {mode: 'failed'; error: AppError; back: 'list' | 'form' | 'traffic' | 'yamlPath'}
  );

export type DeploymentsAction =
  | {type: 'highlight'; name?: string}
  | {type: 'moveHighlight'; by: 1 | -1}
  | {type: 'reload'}
  | {type: 'loaded'; id: number; deployments: Deployment[]}
  | {type: 'loadFailed'; id: number; error: AppError}
  | {type: 'startCreate'}
  | {type: 'assetsLoaded'; id: number; models: RegisteredModel[]; environments: EnvironmentInfo[]}
  | {type: 'pickModel'; model: ModelVersionInfo}
  | {type: 'pickEnvironment'; environment?: string}
  | {type: 'edit'; edit: TextEdit}
  | {type: 'focus'; by: 1 | -1}
  | {type: 'toggle'}
  | {type: 'submit'}
  | {type: 'confirm'}
  | {type: 'cancel'}
  | {type: 'progress'; id: number; progress: OperationProgress}
  | {type: 'created'; id: number; deployment: Deployment}
  | {type: 'failed'; id: number; error: AppError}
  | {type: 'startYaml'}
  | {type: 'yamlRead'; id: number; spec: DeploymentSpec; file: string}
  | {type: 'yamlLocal'; id: number; file: string; locals: LocalAsset[]}
  | {type: 'startTraffic'}
  | {type: 'moveRow'; by: 1 | -1}
  | {type: 'column'}
  | {type: 'trafficApplied'; id: number}
  | {type: 'openLogs'; deployment?: string; direct?: boolean}
  | {type: 'logsLoaded'; id: number; content: string}
  | {type: 'switchContainer'}
  | {type: 'refreshLogs'}
  | {type: 'scroll'; by: number}
  | {type: 'startDelete'}
  | {type: 'deleted'; id: number};

/** Log lines on screen at once (a long one wraps, so fewer than the terminal's rows). */
export const LOG_ROWS = 10;

const nextId = (s: DeploymentsState) => s.lastId + 1;

function shared(s: DeploymentsState): Shared {
  const {deployments, highlighted, loadError, notice, lastId} = s;
  return {
    lastId,
    ...(deployments ? {deployments} : {}),
    ...(highlighted ? {highlighted} : {}),
    ...(loadError ? {loadError} : {}),
    ...(notice ? {notice} : {}),
  };
}

/** The list, loading again (after a change, or ctrl+r). */
function reloading(s: DeploymentsState, notice?: string): DeploymentsState {
  const id = nextId(s);
  const {notice: _old, ...rest} = shared(s);
  return {
    ...rest,
    ...(notice ? {notice} : {}),
    mode: 'list',
    lastId: id,
    work: {id, kind: 'load'},
  };
}

const list = (s: DeploymentsState): DeploymentsState => ({...shared(s), mode: 'list'});

export function initialDeployments(logsOf?: string): DeploymentsState {
  if (logsOf) {
    return {
      mode: 'logs',
      deployment: logsOf,
      container: 'inference-server',
      lines: DEFAULT_LOG_LINES,
      scroll: Number.MAX_SAFE_INTEGER,
      direct: true,
      highlighted: logsOf,
      lastId: 1,
      work: {
        id: 1,
        kind: 'logs',
        deployment: logsOf,
        container: 'inference-server',
        lines: DEFAULT_LOG_LINES,
      },
    };
  }
  return {mode: 'list', lastId: 1, work: {id: 1, kind: 'load'}};
}

export function highlightedDeployment(s: DeploymentsState): Deployment | undefined {
  const all = s.deployments ?? [];
  return all.find((d) => d.name === s.highlighted) ?? all[0];
}

/** The problem with a draft, in words, or undefined. */
export function draftProblem(
  draft: Draft,
  deployments: Deployment[] | undefined,
): {field: FormField; problem: string} | undefined {
  const name = newDeploymentNameProblem(draft.name);
  if (name) return {field: 'name', problem: name};
  if ((deployments ?? []).some((d) => d.name.toLowerCase() === draft.name.toLowerCase()))
    return {field: 'name', problem: `a deployment named ${draft.name} already exists here`};
  if (!/^Standard_[A-Za-z0-9_]+$/.test(draft.instanceType))
    return {field: 'instanceType', problem: 'an instance type such as Standard_DS3_v2'};
  if (!/^\d+$/.test(draft.instanceCount) || Number(draft.instanceCount) < 1)
    return {field: 'instanceCount', problem: 'a whole number of instances, at least 1'};
  return undefined;
}

export function specOf(draft: Draft): DeploymentSpec {
  const base = draft.fromYaml?.spec;
  return {
    ...(base ?? {}),
    name: draft.name,
    model: draft.model,
    ...(draft.environment ? {environment: draft.environment} : {}),
    instanceType: draft.instanceType,
    instanceCount: Number(draft.instanceCount),
  };
}

/** The split in the editor as numbers (an empty cell is 0). */
export function trafficOf(rows: TrafficRow[]): {
  traffic: Record<string, number>;
  mirror: Record<string, number>;
} {
  const traffic: Record<string, number> = {};
  const mirror: Record<string, number> = {};
  for (const r of rows) {
    traffic[r.name] = Number(r.live || '0');
    // Only the deployment that gets mirror traffic is named (as `az` sends it).
    if (Number(r.mirror || '0') > 0) mirror[r.name] = Number(r.mirror);
  }
  return {traffic, mirror};
}

/** What is wrong with the split in the editor (Azure's rules), or undefined. */
export function trafficRowsProblem(rows: TrafficRow[]): string | undefined {
  const {traffic, mirror} = trafficOf(rows);
  return trafficProblem(
    rows.map((r) => ({name: r.name})),
    traffic,
    mirror,
  );
}

/**
 * A percentage cell: digits only, at most three. Typing into a cell that holds 0 or three digits
 * starts it again, so `9`, `0` over `100` gives 90.
 */
const digitsEdit = (value: string, edit: TextEdit): string => {
  const from = edit.type === 'insert' && (value === '0' || value.length >= 3) ? '' : value;
  const next = applyEdit(from, edit).replace(/[^0-9]/g, '');
  return next.length > 3 ? value : next;
};

function newDraft(s: DeploymentsState, model: ModelVersionInfo, environment?: string): Draft {
  const taken = new Set((s.deployments ?? []).map((d) => d.name.toLowerCase()));
  const name = ['blue', 'green', 'red', 'teal', 'amber'].find((n) => !taken.has(n)) ?? '';
  const noTraffic = (s.deployments ?? []).every((d) => d.trafficPercent === 0);
  return {
    name,
    model: `azureml:${model.name}:${model.version}`,
    ...(environment ? {environment} : {}),
    instanceType: DEFAULT_INSTANCE_TYPE,
    instanceCount: String(DEFAULT_INSTANCE_COUNT),
    allTraffic: noTraffic,
  };
}

const cycle = <T>(all: readonly T[], current: T, by: number): T =>
  all[(all.indexOf(current) + by + all.length) % all.length]!;

export function deploymentsReducer(
  s: DeploymentsState,
  action: DeploymentsAction,
): DeploymentsState {
  const ours = (id: number) => s.work?.id === id;
  switch (action.type) {
    case 'highlight':
      return action.name === s.highlighted ? s : action.name ? {...s, highlighted: action.name} : s;
    case 'moveHighlight': {
      const all = s.deployments ?? [];
      if (s.mode !== 'list' || all.length === 0) return s;
      const at = Math.max(
        0,
        all.findIndex((d) => d.name === highlightedDeployment(s)?.name),
      );
      return {...s, highlighted: all[(at + action.by + all.length) % all.length]!.name};
    }
    case 'reload':
      return s.mode === 'list' ? reloading(s) : s;
    case 'loaded': {
      if (!ours(action.id)) return s;
      const {work: _w, loadError: _e, ...rest} = s;
      return {...rest, deployments: action.deployments} as DeploymentsState;
    }
    case 'loadFailed': {
      if (!ours(action.id)) return s;
      const {work: _w, ...rest} = s;
      return {...rest, loadError: action.error} as DeploymentsState;
    }

    // ---- create from registered assets
    case 'startCreate': {
      if (s.mode !== 'list') return s;
      const id = nextId(s);
      return {...shared(s), mode: 'pickModel', lastId: id, work: {id, kind: 'assets'}};
    }
    case 'assetsLoaded':
      return s.mode === 'pickModel' && ours(action.id)
        ? {
            ...shared(s),
            mode: 'pickModel',
            models: action.models,
            environments: action.environments,
          }
        : s;
    case 'pickModel':
      return s.mode === 'pickModel' && s.models && s.environments
        ? {
            ...shared(s),
            mode: 'pickEnvironment',
            models: s.models,
            environments: s.environments,
            model: action.model,
          }
        : s;
    case 'pickEnvironment':
      return s.mode === 'pickEnvironment'
        ? {
            ...shared(s),
            mode: 'form',
            draft: newDraft(s, s.model, action.environment),
            focus: 'name',
          }
        : s;
    case 'edit': {
      if (s.mode === 'yamlPath') return {...s, path: applyEdit(s.path, action.edit)};
      if (s.mode === 'traffic') {
        const rows = s.rows.map((r, i) =>
          i === s.row ? {...r, [s.column]: digitsEdit(r[s.column], action.edit)} : r,
        );
        return {...s, rows};
      }
      if (s.mode !== 'form') return s;
      const {draft, focus} = s;
      if (focus === 'name')
        return {...s, draft: {...draft, name: applyEdit(draft.name, action.edit)}};
      if (focus === 'instanceType')
        return {...s, draft: {...draft, instanceType: applyEdit(draft.instanceType, action.edit)}};
      if (focus === 'instanceCount')
        return {
          ...s,
          draft: {...draft, instanceCount: digitsEdit(draft.instanceCount, action.edit)},
        };
      return s;
    }
    case 'focus':
      return s.mode === 'form' ? {...s, focus: cycle(FORM_FIELDS, s.focus, action.by)} : s;
    case 'toggle':
      return s.mode === 'form' && s.focus === 'allTraffic'
        ? {...s, draft: {...s.draft, allTraffic: !s.draft.allTraffic}}
        : s;
    case 'submit': {
      if (s.mode === 'form') {
        if (s.focus !== 'allTraffic') return {...s, focus: cycle(FORM_FIELDS, s.focus, 1)};
        const issue = draftProblem(s.draft, s.deployments);
        if (issue) return {...s, focus: issue.field};
        return {...shared(s), mode: 'confirmCreate', draft: s.draft};
      }
      if (s.mode === 'yamlPath') {
        const file = s.path.trim();
        if (!file) return s;
        const id = nextId(s);
        return {...s, lastId: id, work: {id, kind: 'readYaml', file}};
      }
      if (s.mode === 'traffic') {
        return trafficRowsProblem(s.rows)
          ? s
          : {...shared(s), mode: 'confirmTraffic', rows: s.rows};
      }
      return s;
    }
    case 'confirm': {
      const id = nextId(s);
      if (s.mode === 'confirmCreate') {
        return {
          ...shared(s),
          mode: 'creating',
          draft: s.draft,
          lastId: id,
          work: {id, kind: 'create', spec: specOf(s.draft), allTraffic: s.draft.allTraffic},
        };
      }
      if (s.mode === 'confirmTraffic') {
        const {traffic, mirror} = trafficOf(s.rows);
        return {
          ...shared(s),
          mode: 'applyingTraffic',
          rows: s.rows,
          lastId: id,
          work: {id, kind: 'traffic', traffic, mirror},
        };
      }
      if (s.mode === 'confirmDelete') {
        return {
          ...shared(s),
          mode: 'deleting',
          deployment: s.deployment,
          lastId: id,
          work: {id, kind: 'delete', deployment: s.deployment},
        };
      }
      return s;
    }
    case 'cancel':
      switch (s.mode) {
        case 'confirmCreate':
          return {...shared(s), mode: 'form', draft: s.draft, focus: 'allTraffic'};
        case 'confirmTraffic':
          return {...shared(s), mode: 'traffic', rows: s.rows, row: 0, column: 'live'};
        case 'failed':
          if (s.back === 'yamlPath') return {...shared(s), mode: 'yamlPath', path: ''};
          return s.back === 'traffic' ? startTraffic(s) : list(s);
        case 'list':
          return s;
        default:
          // Esc while creating, changing or deleting stops waiting; Azure goes on.
          return list(s);
      }
    case 'progress':
      return ours(action.id) &&
        (s.mode === 'creating' || s.mode === 'applyingTraffic' || s.mode === 'deleting')
        ? {...s, progress: action.progress}
        : s;
    case 'created':
      // Shown at once (the list is read again to confirm): the new one, and with all traffic the
      // others' shares at 0.
      return s.mode === 'creating' && ours(action.id)
        ? reloading(
            {
              ...s,
              highlighted: action.deployment.name,
              deployments: [
                ...(s.deployments ?? [])
                  .filter((d) => d.name !== action.deployment.name)
                  .map((d) =>
                    action.deployment.trafficPercent === 100 ? {...d, trafficPercent: 0} : d,
                  ),
                action.deployment,
              ],
            },
            `✓ ${action.deployment.name} created (${action.deployment.provisioningState ?? 'Succeeded'})${action.deployment.trafficPercent ? ` with ${action.deployment.trafficPercent}% of the traffic` : ' — it takes no traffic yet (t)'}`,
          )
        : s;
    case 'failed': {
      if (!ours(action.id)) return s;
      const back =
        s.mode === 'applyingTraffic' ? 'traffic' : s.mode === 'pickModel' ? 'list' : 'list';
      if (s.mode === 'yamlPath')
        return {...shared(s), mode: 'failed', error: action.error, back: 'yamlPath'};
      if (s.mode === 'logs') {
        const {work: _w, ...rest} = s;
        return {...rest, error: action.error};
      }
      return {...shared(s), mode: 'failed', error: action.error, back};
    }

    // ---- create from a YAML file
    case 'startYaml':
      return s.mode === 'list' ? {...shared(s), mode: 'yamlPath', path: ''} : s;
    case 'yamlRead': {
      if (s.mode !== 'yamlPath' || !ours(action.id)) return s;
      const {spec} = action;
      const draft: Draft = {
        name: spec.name,
        model: spec.model,
        ...(spec.environment ? {environment: spec.environment} : {}),
        instanceType: spec.instanceType,
        instanceCount: String(spec.instanceCount),
        allTraffic: (s.deployments ?? []).every((d) => d.trafficPercent === 0),
        fromYaml: {file: action.file, spec},
      };
      return {...shared(s), mode: 'form', draft, focus: 'allTraffic'};
    }
    case 'yamlLocal':
      return s.mode === 'yamlPath' && ours(action.id)
        ? {...shared(s), mode: 'yamlLocal', file: action.file, locals: action.locals}
        : s;

    // ---- traffic
    case 'startTraffic':
      return s.mode === 'list' && (s.deployments ?? []).length ? startTraffic(s) : s;
    case 'moveRow':
      return s.mode === 'traffic'
        ? {...s, row: (s.row + action.by + s.rows.length) % s.rows.length}
        : s;
    case 'column':
      return s.mode === 'traffic' ? {...s, column: s.column === 'live' ? 'mirror' : 'live'} : s;
    case 'trafficApplied':
      if (s.mode !== 'applyingTraffic' || !ours(action.id)) return s;
      {
        const {traffic, mirror} = trafficOf(s.rows);
        const deployments = (s.deployments ?? []).map((d) => ({
          ...d,
          trafficPercent: traffic[d.name] ?? 0,
          mirrorPercent: mirror[d.name] ?? 0,
        }));
        return reloading({...s, deployments}, `✓ traffic applied: ${describeRows(s.rows)}`);
      }

    // ---- logs
    case 'openLogs': {
      const name = action.deployment ?? highlightedDeployment(s)?.name;
      if (!name || (s.mode !== 'list' && !action.direct)) return s;
      const id = nextId(s);
      return {
        ...shared(s),
        mode: 'logs',
        deployment: name,
        container: 'inference-server',
        lines: DEFAULT_LOG_LINES,
        scroll: Number.MAX_SAFE_INTEGER,
        direct: Boolean(action.direct),
        highlighted: name,
        lastId: id,
        work: {
          id,
          kind: 'logs',
          deployment: name,
          container: 'inference-server',
          lines: DEFAULT_LOG_LINES,
        },
      };
    }
    case 'logsLoaded':
      return s.mode === 'logs' && ours(action.id)
        ? (() => {
            const {work: _w, error: _e, ...rest} = s;
            return {...rest, content: action.content};
          })()
        : s;
    case 'switchContainer':
    case 'refreshLogs': {
      if (s.mode !== 'logs') return s;
      const container =
        action.type === 'switchContainer' ? cycle(CONTAINER_TYPES, s.container, 1) : s.container;
      const id = nextId(s);
      return {
        ...s,
        container,
        scroll: Number.MAX_SAFE_INTEGER,
        lastId: id,
        work: {id, kind: 'logs', deployment: s.deployment, container, lines: s.lines},
      };
    }
    case 'scroll': {
      if (s.mode !== 'logs') return s;
      const total = (s.content ?? '').split('\n').filter(Boolean).length;
      const max = Math.max(0, total - LOG_ROWS);
      const from = Math.min(s.scroll, max);
      return {...s, scroll: Math.max(0, Math.min(max, from + action.by))};
    }

    // ---- delete
    case 'startDelete': {
      if (s.mode !== 'list') return s;
      const d = highlightedDeployment(s);
      if (!d) return s;
      const reason = deleteProblem(
        d.name,
        {[d.name]: d.trafficPercent},
        {[d.name]: d.mirrorPercent ?? 0},
      );
      return reason
        ? {...shared(s), mode: 'deleteRefused', deployment: d.name, reason}
        : {...shared(s), mode: 'confirmDelete', deployment: d.name};
    }
    case 'deleted':
      if (s.mode !== 'deleting' || !ours(action.id)) return s;
      {
        const {highlighted: _gone, ...rest} = s;
        const deployments = (s.deployments ?? []).filter((d) => d.name !== s.deployment);
        return reloading({...rest, deployments} as DeploymentsState, `✓ ${s.deployment} deleted`);
      }
  }
}

function startTraffic(s: DeploymentsState): DeploymentsState {
  const rows = (s.deployments ?? []).map((d) => ({
    name: d.name,
    live: String(d.trafficPercent),
    mirror: String(d.mirrorPercent ?? 0),
  }));
  return {...shared(s), mode: 'traffic', rows, row: 0, column: 'live'};
}

export function describeRows(rows: TrafficRow[]): string {
  const {traffic, mirror} = trafficOf(rows);
  const live = Object.entries(traffic)
    .map(([k, v]) => `${k} ${v}%`)
    .join(' · ');
  const m = Object.entries(mirror).find(([, v]) => v > 0);
  return m ? `${live} · mirror ${m[1]}% to ${m[0]}` : live;
}
