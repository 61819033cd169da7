import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useEffect, useState} from 'react';
import {decodeJwt} from '../../../../domain/token';
import type {
  Deployment,
  Endpoint,
  InvokeResult,
  PermissionBlock,
  ScoringCredential,
} from '../../../../domain/types';
import {isUsable} from '../../../../domain/credentials';
import {ACTIONS, allows} from '../../../../domain/permissions';
import {readRequestFile} from '../../../../lib/request-file';
import {
  curlCommand,
  explainScoringFailure,
  summarize,
  type RepeatSummary,
} from '../../../../domain/scoring';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {applyEdit, TextField} from '../../../components/text-field';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';

type Mode = 'ready' | 'file' | 'target' | 'count' | 'confirmSecretCurl';
const BODY_ROWS = 10;

function pretty(body: string): string[] {
  try {
    return JSON.stringify(JSON.parse(body), null, 2).split('\n');
  } catch {
    return body.split('\n');
  }
}

export function InvokeStep({
  dispatch,
  isActive,
  endpoint,
  cached,
  permissions,
  initialDeployment,
  initialFile,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  cached?: ScoringCredential;
  permissions?: PermissionBlock[];
  initialDeployment?: string;
  initialFile?: string;
}) {
  const {services, copy, sampleRequest} = useEnv();
  const [mode, setMode] = useState<Mode>('ready');
  const [file, setFile] = useState(initialFile ?? sampleRequest ?? 'request.json');
  const [deployment, setDeployment] = useState<string | undefined>(initialDeployment);
  const [count, setCount] = useState('10');
  const [scroll, setScroll] = useState(0);
  const [problem, setProblem] = useState<{problem: string; hint: string} | undefined>();
  const [warning, setWarning] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [progress, setProgress] = useState(0);
  const deployments = useTask(
    (signal) => services.listDeployments(endpoint, signal),
    (err) => services.explainError(err, 'List deployments'),
  );

  /** The cached credential while valid; otherwise a fresh one (and it becomes the cached one). */
  const credentialFor = async (signal: AbortSignal): Promise<ScoringCredential> => {
    if (isUsable(cached, Date.now()) && cached.kind === endpoint.authMode) return cached;
    let fresh: ScoringCredential;
    if (endpoint.authMode === 'key')
      fresh = {
        kind: 'key',
        value: (await services.listKeys(endpoint, signal)).primaryKey,
        which: 'primary',
      };
    else if (endpoint.authMode === 'aml_token') fresh = await services.amlToken(endpoint, signal);
    else fresh = await services.aadToken(signal);
    dispatch({type: 'credentialFetched', credential: fresh});
    return fresh;
  };

  const send = useTask(
    async (signal, times: number) => {
      const checked = await readRequestFile(file);
      if (!checked.ok) return {checked};
      const credential = await credentialFor(signal);
      const results: InvokeResult[] = [];
      for (let i = 0; i < times; i++) {
        setProgress(i);
        results.push(
          await services.invoke(
            {
              scoringUri: endpoint.scoringUri ?? '',
              credential: credential.value,
              body: checked.body,
              deployment,
            },
            signal,
          ),
        );
      }
      return {checked, credential, results, receivedAt: Date.now()};
    },
    (err) => services.explainError(err, `Invoke ${endpoint.endpoint}`),
  );

  useEffect(() => {
    void deployments.run();
    // Load the deployment list once, for the target chooser.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const start = (times: number) => {
    // Remembered for the profile (saved from home).
    dispatch({type: 'invokeSettings', deployment, requestFile: file});
    setScroll(0);
    setProblem(undefined);
    setNote(undefined);
    void send.run(times).then((r) => {
      if (!r) return;
      if (!r.checked.ok) setProblem({problem: r.checked.problem, hint: r.checked.hint});
      else setWarning(r.checked.warning);
    });
  };

  const copyCurl = (secret?: string) => {
    const command = curlCommand({
      scoringUri: endpoint.scoringUri ?? '',
      requestFile: file,
      deployment,
      secret,
    });
    void copy(command).then((ch) =>
      setNote(
        copiedMessage(
          secret ? 'The curl command WITH the secret' : 'The curl command (with $DATA_PLANE_TOKEN)',
          ch,
        ),
      ),
    );
  };

  useTextEntry(isActive && (mode === 'file' || mode === 'count'));
  useKeys(
    (input, key) => {
      if (mode === 'file' || mode === 'count') {
        if (key.escape || key.return) {
          setMode('ready');
          if (key.return && mode === 'count')
            start(Math.max(1, Math.min(1000, Number.parseInt(count, 10) || 1)));
        }
        return;
      }
      if (mode === 'confirmSecretCurl') {
        if (matches('confirm', input, key)) {
          setMode('ready');
          const r = send.state.status === 'done' ? send.state.value : undefined;
          const secret = r && 'credential' in r ? r.credential?.value : cached?.value;
          if (secret) copyCurl(secret);
          else setNote('Send once first: there is no credential to put in the command yet.');
        } else if (matches('deny', input, key) || key.escape) setMode('ready');
        return;
      }
      if (send.state.status === 'running') {
        if (key.escape) send.cancel();
        return;
      }
      if (key.escape) return dispatch({type: 'back'});
      if (matches('send', input, key)) return start(1);
      if (matches('file', input, key)) return setMode('file');
      if (matches('target', input, key)) return setMode('target');
      if (matches('repeat', input, key)) return setMode('count');
      if (input === 'k') return copyCurl();
      if (input === 'K') return setMode('confirmSecretCurl');
      if (key.pageDown || key.downArrow) setScroll((s) => s + (key.pageDown ? BODY_ROWS : 1));
      if (key.pageUp || key.upArrow)
        setScroll((s) => Math.max(0, s - (key.pageUp ? BODY_ROWS : 1)));
    },
    {isActive: isActive && mode !== 'target'},
  );

  if (mode === 'target') {
    const list: Deployment[] = deployments.state.status === 'done' ? deployments.state.value : [];
    return (
      <Box flexDirection="column">
        <Text bold>Send to which deployment?</Text>
        {deployments.state.status === 'running' ? <Spinner label="Loading deployments…" /> : null}
        <FilterList<string | undefined>
          isActive={isActive}
          items={[
            {
              key: '(traffic)',
              label: 'traffic-routed',
              detail: 'follow the endpoint’s traffic split',
              value: undefined,
            },
            ...list.map((d) => ({
              key: d.name,
              label: d.name,
              detail: `${d.trafficPercent}% traffic${d.trafficPercent === 0 ? ' — reachable only by name' : ''}${d.model ? ` · ${d.model}` : ''}`,
              value: d.name as string | undefined,
            })),
          ]}
          onSelect={(item) => {
            setDeployment(item.value);
            setMode('ready');
          }}
          onBack={() => setMode('ready')}
        />
        <Footer keys={['select', 'move', 'back']} />
      </Box>
    );
  }

  const state = send.state;
  const done = state.status === 'done' && 'results' in state.value ? state.value : undefined;
  const results = done?.results ?? [];
  const last = results.at(-1);
  let summary: RepeatSummary | undefined;
  if (results.length > 1) summary = summarize(results);
  const explanation =
    last && done?.credential
      ? explainScoringFailure(last, {
          authMode: endpoint.authMode,
          sent: done.credential.kind,
          expiresOn: done.credential.expiresOn,
          now: done.receivedAt,
          audience:
            done.credential.kind === 'aad_token' ? audienceOf(done.credential.value) : undefined,
          mlAudience: services.cloud.mlScope.replace(/\/\.default$/, ''),
          hasScorePermission: permissions ? allows(permissions, ACTIONS.score) : undefined,
        })
      : undefined;
  const lines = last ? pretty(last.body) : [];
  const top = Math.min(scroll, Math.max(0, lines.length - BODY_ROWS));

  return (
    <Box flexDirection="column">
      <Text bold>Invoke {endpoint.endpoint}</Text>
      {mode === 'file' ? (
        <TextField
          label="Request file"
          value={file}
          onEdit={(e) => setFile((v) => applyEdit(v, e))}
          isActive={isActive}
          help="A JSON file; enter keeps it."
        />
      ) : (
        <Text wrap="truncate-end">
          <Text color={theme.text.muted}>request </Text>
          {file} <Text color={theme.text.muted}>· target </Text>
          {deployment ? `deployment ${deployment}` : 'traffic-routed'}
        </Text>
      )}
      {mode === 'count' ? (
        <TextField
          label="How many requests"
          value={count}
          onEdit={(e) => setCount((v) => applyEdit(v, e).replace(/\D/g, ''))}
          isActive={isActive}
        />
      ) : null}
      {problem ? (
        <Text color={theme.status.error} wrap="wrap">
          ✗ {problem.problem} <Text color={theme.text.muted}>— {problem.hint}</Text>
        </Text>
      ) : null}
      {warning ? <Text color={theme.status.warning}>{warning}</Text> : null}
      {state.status === 'running' ? (
        <Spinner label={`Sending${progress ? ` (${progress + 1})` : ''}… esc cancels`} />
      ) : null}
      {state.status === 'error' ? <ErrorPanel error={state.error} /> : null}
      {last ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            <Text color={last.status < 300 ? theme.status.success : theme.status.error} bold>
              {last.status}
            </Text>{' '}
            · {last.latencyMs} ms · deployment {last.deployment || '—'}{' '}
            <Text color={theme.text.muted}>· x-request-id {last.requestId ?? '—'}</Text>
          </Text>
          {last.modelError ? (
            <Text color={theme.status.warning}>
              model error: status {last.modelError.statusCode ?? '?'} · reason{' '}
              {last.modelError.reason ?? '?'}
            </Text>
          ) : null}
          {explanation ? (
            <Box flexDirection="column">
              <Text color={theme.status.error}>{explanation.title}</Text>
              <Text wrap="wrap">{explanation.cause}</Text>
              {explanation.next.map((n) => (
                <Text key={n} color={theme.text.muted} wrap="wrap">
                  • {n}
                </Text>
              ))}
            </Box>
          ) : null}
          {lines.slice(top, top + BODY_ROWS).map((l, i) => (
            <Text key={`${top + i}`} wrap="truncate-end">
              {l}
            </Text>
          ))}
          {lines.length > BODY_ROWS ? (
            <Text color={theme.text.muted}>
              lines {top + 1}–{Math.min(lines.length, top + BODY_ROWS)} of {lines.length} (↑↓
              pgup/pgdn)
            </Text>
          ) : null}
        </Box>
      ) : null}
      {summary ? (
        <Box flexDirection="column">
          <Text>
            {summary.count} requests · p50 {summary.p50Ms} ms · p95 {summary.p95Ms} ms ·{' '}
            {Object.entries(summary.statuses)
              .map(([s, n]) => `${n}× ${s}`)
              .join(', ')}
          </Text>
          <Text>
            {summary.deployments.map((d) => `${d.name} ${Math.round(d.share * 100)}%`).join(' · ')}
          </Text>
        </Box>
      ) : null}
      {mode === 'confirmSecretCurl' ? (
        <Text color={theme.status.warning}>
          Copy the curl command WITH the secret credential in it? y copy · n cancel
        </Text>
      ) : null}
      {note ? <Text color={theme.status.info}>{note}</Text> : null}
      <Footer
        keys={
          mode === 'file' || mode === 'count'
            ? ['submit', 'back']
            : ['send', 'file', 'target', 'repeat', 'curl', 'scroll', 'back']
        }
      />
    </Box>
  );
}

function audienceOf(token: string): string | undefined {
  try {
    const aud = decodeJwt(token).claims.aud;
    return Array.isArray(aud) ? aud[0] : aud;
  } catch {
    return undefined;
  }
}
