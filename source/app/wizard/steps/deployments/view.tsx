import {Box, Text} from 'ink';
import type {Deployment, Endpoint} from '../../../../domain/types';
import {formatElapsed} from '../../../../lib/time';
import {visible} from '../../../../lib/visible';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useDeploymentsKeys} from './keys';
import {
  type DeploymentsAction,
  type DeploymentsState,
  deploymentsReducer,
  describeRows,
  draftProblem,
  type Draft,
  highlightedDeployment,
  initialDeployments,
  LOG_ROWS,
  trafficRowsProblem,
} from './state';
import {deploymentsRunner} from './work';

const pct = (n: number | undefined) => (n ? `${n}%` : '—');

const COLUMNS = [12, 10, 5, 7, 20] as const;
const cells = (values: string[]) =>
  values.map((v, i) => (i < COLUMNS.length ? v.padEnd(COLUMNS[i]!) : v)).join(' ');
const HEADER = cells(['NAME', 'STATE', 'LIVE', 'MIRROR', 'INSTANCES', 'MODEL']);

function row(d: Deployment): string {
  return cells([
    visible(d.name),
    d.provisioningState ?? '—',
    pct(d.trafficPercent),
    pct(d.mirrorPercent),
    `${visible(d.instanceType ?? '—')} × ${d.instanceCount ?? '?'}`,
    visible(d.model ?? '—'),
  ]);
}

function Details({d}: {d: Deployment}) {
  const scale =
    d.scaleType === 'TargetUtilization'
      ? `target utilization, ${d.scaleRange?.min ?? '?'}–${d.scaleRange?.max ?? '?'} instances`
      : `${(d.scaleType ?? 'Default').toLowerCase()} (${d.instanceCount ?? '?'} instance${d.instanceCount === 1 ? '' : 's'})`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={theme.text.muted}>
        model {visible(d.model ?? '—')} · environment {visible(d.environment ?? '—')}
      </Text>
      <Text color={theme.text.muted}>
        scale {scale} · request timeout{' '}
        {d.requestTimeoutMs !== undefined ? `${d.requestTimeoutMs} ms` : '—'} · max concurrent{' '}
        {d.maxConcurrentRequestsPerInstance ?? '—'} per instance
      </Text>
    </Box>
  );
}

function Field({label, value, focused}: {label: string; value: string; focused: boolean}) {
  return (
    <Text color={focused ? theme.focus.selected : undefined} bold={focused}>
      {focused ? '› ' : '  '}
      {label}: {value}
    </Text>
  );
}

function DraftForm({
  draft,
  endpoint,
  focus,
  isActive,
  problem,
}: {
  draft: Draft;
  endpoint: string;
  focus: string;
  isActive: boolean;
  problem?: {field: string; problem: string};
}) {
  const ignore = () => undefined;
  return (
    <Box flexDirection="column">
      <Text>
        model <Text bold>{visible(draft.model)}</Text> · environment{' '}
        <Text bold>{visible(draft.environment ?? 'none (MLflow: no environment needed)')}</Text>
      </Text>
      {draft.fromYaml ? (
        <Text color={theme.text.muted}>from {visible(draft.fromYaml.file)}</Text>
      ) : null}
      {draft.fromYaml?.spec.endpointName &&
      draft.fromYaml.spec.endpointName.toLowerCase() !== endpoint.toLowerCase() ? (
        <Text color={theme.status.warning} wrap="wrap">
          The file names endpoint {visible(draft.fromYaml.spec.endpointName)}: this creates the
          deployment on {visible(endpoint)}.
        </Text>
      ) : null}
      <TextField
        label="Name"
        value={draft.name}
        onEdit={ignore}
        isActive={isActive && focus === 'name'}
        error={problem?.field === 'name' ? problem.problem : undefined}
      />
      <TextField
        label="Instance type"
        value={draft.instanceType}
        onEdit={ignore}
        isActive={isActive && focus === 'instanceType'}
        error={problem?.field === 'instanceType' ? problem.problem : undefined}
      />
      <TextField
        label="Instance count"
        value={draft.instanceCount}
        onEdit={ignore}
        isActive={isActive && focus === 'instanceCount'}
        error={problem?.field === 'instanceCount' ? problem.problem : undefined}
      />
      <Field
        label="All traffic"
        value={draft.allTraffic ? '[yes] no' : 'yes [no]'}
        focused={focus === 'allTraffic'}
      />
    </Box>
  );
}

/**
 * An endpoint's deployments: list, create (from registered assets or a YAML file), traffic and
 * mirror, logs, delete. Opened from the home, from invoke's 404 (no deployment with traffic), or
 * straight on a deployment's logs after a 424/502.
 */
export function DeploymentsStep({
  dispatch,
  isActive,
  endpoint,
  logsOf,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  logsOf?: string;
}) {
  const {services} = useEnv();
  const [s, screenDispatch, get] = useStore<DeploymentsState, DeploymentsAction>(
    deploymentsReducer,
    () => initialDeployments(logsOf),
  );
  useWork(
    s.work,
    deploymentsRunner({
      services,
      endpoint,
      dispatch: screenDispatch,
      onEndpoint: (e) => dispatch({type: 'endpointRefreshed', endpoint: e}),
    }),
  );
  const picking = s.mode === 'pickModel' || s.mode === 'pickEnvironment';
  useTextEntry(
    isActive && (s.mode === 'form' || s.mode === 'yamlPath' || s.mode === 'traffic' || picking),
  );
  useDeploymentsKeys({
    isActive: isActive && !picking,
    dispatch: screenDispatch,
    get,
    onBack: () => dispatch({type: 'back'}),
  });

  const title = (
    <Text bold>
      Deployments of {visible(endpoint.endpoint)}{' '}
      <Text color={theme.text.muted}>
        · live{' '}
        {Object.entries(endpoint.traffic)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${visible(k)} ${v}%`)
          .join(' / ') || 'no traffic'}
        {Object.entries(endpoint.mirrorTraffic ?? {})
          .filter(([, v]) => v > 0)
          .map(([k, v]) => ` · mirror ${visible(k)} ${v}%`)
          .join('')}
      </Text>
    </Text>
  );

  switch (s.mode) {
    case 'pickModel': {
      const items = (s.models ?? []).flatMap((m) =>
        m.versions.map((v) => ({
          key: `${m.name}:${v.version}`,
          label: `${m.name}:${v.version}`,
          detail: [v.modelType, v.version === m.latestVersion ? 'latest' : '', v.description]
            .filter(Boolean)
            .join(' · '),
          value: v,
        })),
      );
      return (
        <Box flexDirection="column">
          {title}
          <Text>Which registered model version does the new deployment serve?</Text>
          {s.models ? (
            <FilterList
              key="models"
              isActive={isActive}
              items={items}
              onSelect={(item) => screenDispatch({type: 'pickModel', model: item.value})}
              onBack={() => screenDispatch({type: 'cancel'})}
              empty={
                <Text color={theme.text.muted}>
                  No registered models. Register one first: az ml model create --name NAME --path
                  PATH -g {endpoint.resourceGroup} -w {endpoint.workspace}
                </Text>
              }
            />
          ) : (
            <Spinner label={`Loading the models and environments of ${endpoint.workspace}…`} />
          )}
          <Footer keys={['select', 'filter', 'move', 'back']} />
        </Box>
      );
    }
    case 'pickEnvironment': {
      const mlflow = s.model.modelType === 'mlflow_model';
      const items = [
        ...(mlflow
          ? [
              {
                key: '(none)',
                label: 'no environment',
                detail: 'MLflow models deploy without one (Azure picks the runtime)',
                value: undefined as string | undefined,
              },
            ]
          : []),
        ...s.environments.map((e) => ({
          key: `${e.name}:${e.version}`,
          label: `${e.name}:${e.version}`,
          detail: [e.curated ? 'curated' : 'registered', e.image].filter(Boolean).join(' · '),
          value: `azureml:${e.name}:${e.version}` as string | undefined,
        })),
      ];
      return (
        <Box flexDirection="column">
          {title}
          <Text>
            Environment for {visible(s.model.name)}:{visible(s.model.version)}
            {mlflow ? '' : ' (a custom model needs one, and a scoring script)'}
          </Text>
          <FilterList
            key={`environments of ${s.model.id}`}
            isActive={isActive}
            items={items}
            onSelect={(item) => screenDispatch({type: 'pickEnvironment', environment: item.value})}
            onBack={() => screenDispatch({type: 'cancel'})}
          />
          <Footer keys={['select', 'filter', 'move', 'back']} />
        </Box>
      );
    }
    case 'form':
    case 'confirmCreate': {
      const problem = draftProblem(s.draft, s.deployments);
      return (
        <Box flexDirection="column">
          {title}
          <Text>New deployment</Text>
          <DraftForm
            draft={s.draft}
            endpoint={endpoint.endpoint}
            focus={s.mode === 'form' ? s.focus : ''}
            isActive={isActive && s.mode === 'form'}
            problem={problem}
          />
          {s.mode === 'confirmCreate' ? (
            <ConfirmBox yes="create" no="edit">
              <Text wrap="wrap">
                Create <Text bold>{visible(s.draft.name)}</Text> on {visible(endpoint.endpoint)}{' '}
                from {visible(s.draft.model)} on {s.draft.instanceCount} ×{' '}
                {visible(s.draft.instanceType)}
                {s.draft.allTraffic ? ', then give it all the traffic' : ''}? Instances are billed
                while it exists.
              </Text>
            </ConfirmBox>
          ) : null}
          <Footer
            keys={s.mode === 'form' ? ['submit', 'nextField', 'back'] : ['confirm', 'deny']}
          />
        </Box>
      );
    }
    case 'creating':
      return (
        <Box flexDirection="column">
          {title}
          <Spinner
            label={`Creating ${visible(s.draft.name)}: ${visible(s.progress?.provisioningState ?? 'Creating')} · ${formatElapsed(s.progress?.elapsedMs ?? 0)} elapsed — in Azure this takes several minutes`}
          />
          <Text color={theme.text.muted}>Esc stops waiting here; Azure keeps creating it.</Text>
          <Footer keys={['back']} />
        </Box>
      );
    case 'yamlPath':
      return (
        <Box flexDirection="column">
          {title}
          <TextField
            label="Deployment YAML"
            value={s.path}
            onEdit={() => undefined}
            isActive={isActive}
            placeholder="blue-deployment.yml"
            help="Azure ML's format (managedOnlineDeployment); registered assets only: model: azureml:NAME:VERSION."
          />
          {s.work?.kind === 'readYaml' ? <Spinner label="Reading…" /> : null}
          <Footer keys={['submit', 'back']} />
        </Box>
      );
    case 'yamlLocal':
      return (
        <Box flexDirection="column">
          {title}
          <Text color={theme.status.warning} wrap="wrap">
            {visible(s.file)} points at local files — aml-auth does not upload them, and nothing was
            changed.
          </Text>
          {s.locals.map((l) => (
            <Text key={l.field} wrap="wrap">
              • {l.field}: {visible(l.path)}
            </Text>
          ))}
          <Text>Register them first, then reference them as azureml:NAME:VERSION:</Text>
          {s.locals.map((l) => (
            <Text key={`cmd ${l.field}`} color={theme.text.accent} wrap="wrap">
              {'  '}
              {visible(l.command)}
            </Text>
          ))}
          <Footer keys={['continue', 'back']} />
        </Box>
      );
    case 'traffic':
    case 'confirmTraffic':
    case 'applyingTraffic': {
      const problem = trafficRowsProblem(s.rows);
      const editing = s.mode === 'traffic' ? s : undefined;
      return (
        <Box flexDirection="column">
          {title}
          <Text>
            Traffic split (live adds up to 100, or all 0) and mirror (≤ 50 %, one deployment)
          </Text>
          <Text color={theme.text.muted}>{'  deployment    live %   mirror %'}</Text>
          {s.rows.map((r, i) => {
            const cell = (column: 'live' | 'mirror') => {
              const focused = editing?.row === i && editing.column === column;
              const text = (r[column] || '0').padStart(3);
              return (
                <Text
                  color={focused ? theme.focus.selected : undefined}
                  bold={focused}
                  inverse={focused}
                >
                  {text}
                </Text>
              );
            };
            return (
              <Text key={r.name}>
                {editing?.row === i ? '› ' : '  '}
                {visible(r.name).padEnd(12)}
                {'   '}
                {cell('live')}
                {'      '}
                {cell('mirror')}
              </Text>
            );
          })}
          {problem ? (
            <Text color={theme.status.error} wrap="wrap">
              ✗ {visible(problem)}
            </Text>
          ) : (
            <Text color={theme.status.success}>✓ {visible(describeRows(s.rows))}</Text>
          )}
          {s.mode === 'confirmTraffic' ? (
            <ConfirmBox yes="apply" no="edit">
              <Text wrap="wrap">
                Apply {visible(describeRows(s.rows))} to {visible(endpoint.endpoint)}? Callers are
                routed by the new split as soon as Azure has applied it.
              </Text>
            </ConfirmBox>
          ) : null}
          {s.mode === 'applyingTraffic' ? (
            <Spinner
              label={`Updating ${visible(endpoint.endpoint)}: ${visible(s.progress?.provisioningState ?? 'Updating')} · ${formatElapsed(s.progress?.elapsedMs ?? 0)}`}
            />
          ) : null}
          <Footer
            keys={
              s.mode === 'traffic'
                ? ['type', 'move', 'depColumn', 'submit', 'back']
                : s.mode === 'confirmTraffic'
                  ? ['confirm', 'deny']
                  : ['back']
            }
          />
        </Box>
      );
    }
    case 'logs': {
      const lines = (s.content ?? '').split('\n').filter((l) => l.length > 0);
      const top = Math.min(s.scroll, Math.max(0, lines.length - LOG_ROWS));
      return (
        <Box flexDirection="column">
          {title}
          <Text>
            Logs of <Text bold>{visible(s.deployment)}</Text> ·{' '}
            <Text color={theme.text.accent}>{s.container}</Text> · last {s.lines} lines
          </Text>
          {s.work ? <Spinner label="Fetching the logs…" /> : null}
          {s.error ? <ErrorPanel error={s.error} /> : null}
          {s.content !== undefined && lines.length === 0 && !s.work ? (
            <Text color={theme.text.muted}>The log is empty.</Text>
          ) : null}
          {lines.slice(top, top + LOG_ROWS).map((l, i) => (
            <Text key={`${top + i}`} wrap="wrap">
              {visible(l)}
            </Text>
          ))}
          {lines.length > LOG_ROWS ? (
            <Text color={theme.text.muted}>
              lines {top + 1}–{Math.min(lines.length, top + LOG_ROWS)} of {lines.length} (↑↓
              pgup/pgdn)
            </Text>
          ) : null}
          <Footer keys={['depRefresh', 'depContainer', 'move', 'back']} />
        </Box>
      );
    }
    case 'confirmDelete':
    case 'deleting':
      return (
        <Box flexDirection="column">
          {title}
          {s.mode === 'confirmDelete' ? (
            <ConfirmBox yes="delete" no="keep" warning>
              <Text wrap="wrap">
                Delete deployment <Text bold>{visible(s.deployment)}</Text> of{' '}
                {visible(endpoint.endpoint)}? Its instances go; there is no undo.
              </Text>
            </ConfirmBox>
          ) : (
            <Spinner
              label={`Deleting ${visible(s.deployment)}: ${visible(s.progress?.provisioningState ?? 'Deleting')} · ${formatElapsed(s.progress?.elapsedMs ?? 0)}`}
            />
          )}
          <Footer keys={s.mode === 'confirmDelete' ? ['confirm', 'deny'] : ['back']} />
        </Box>
      );
    case 'deleteRefused':
      return (
        <Box flexDirection="column">
          {title}
          <Text color={theme.status.error} wrap="wrap">
            ✗ {visible(s.deployment)} cannot be deleted: {visible(s.reason)}. Azure refuses to
            delete a deployment that takes traffic.
          </Text>
          <Text>Move its traffic to another deployment first (t), then delete it.</Text>
          <Footer keys={['depTraffic', 'continue', 'back']} />
        </Box>
      );
    case 'failed':
      return (
        <Box flexDirection="column">
          {title}
          <ErrorPanel error={s.error} />
          <Footer keys={['continue']} />
        </Box>
      );
    case 'list': {
      const all = s.deployments ?? [];
      const current = highlightedDeployment(s);
      return (
        <Box flexDirection="column">
          {title}
          {s.notice ? <Text color={theme.status.success}>{visible(s.notice)}</Text> : null}
          {s.loadError ? <ErrorPanel error={s.loadError} /> : null}
          {!s.deployments && s.work?.kind === 'load' ? (
            <Spinner label="Loading deployments…" />
          ) : null}
          {s.deployments && all.length === 0 ? (
            <Text wrap="wrap">
              No deployments yet: the endpoint answers 404 until one takes traffic. Press{' '}
              <Text bold>c</Text> to create one from a registered model, or <Text bold>f</Text> for
              a deployment YAML.
            </Text>
          ) : null}
          {all.length ? <Text color={theme.text.muted}>{`  ${HEADER}`}</Text> : null}
          {all.map((d) => {
            const on = d.name === current?.name;
            return (
              <Text
                key={d.name}
                color={on ? theme.focus.selected : undefined}
                bold={on}
                wrap="truncate-end"
              >
                {on ? '› ' : '  '}
                {row(d)}
              </Text>
            );
          })}
          {current ? <Details d={current} /> : null}
          <Footer
            keys={
              all.length
                ? [
                    'depCreate',
                    'depYaml',
                    'depTraffic',
                    'depLogs',
                    'depDelete',
                    'move',
                    'reload',
                    'back',
                  ]
                : ['depCreate', 'depYaml', 'reload', 'back']
            }
          />
        </Box>
      );
    }
  }
}
