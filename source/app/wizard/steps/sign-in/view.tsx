import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useEffect, useMemo, useState} from 'react';
import type {DeviceCodePrompt, SignInMethod, SignInResult} from '../../../../domain/types';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {Countdown} from '../../../components/countdown';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {applyEdit, TextField} from '../../../components/text-field';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action, ResumeTarget} from '../../state';
import {
  environmentSummary,
  type FieldName,
  fieldProblem,
  fieldsFor,
  formProblems,
  METHODS,
  toParams,
  tokenCacheNote,
} from './methods';
import {TokenView} from './token-view';

type Phase = 'method' | 'form' | 'running' | 'signedIn';

interface Props {
  dispatch: (a: Action) => void;
  isActive: boolean;
  resume?: ResumeTarget;
  defaultMethod?: SignInMethod;
  defaultTenant?: string;
}

export function SignInStep({
  dispatch,
  isActive,
  resume,
  defaultMethod = 'device-code',
  defaultTenant,
}: Props) {
  const {services, copy, openUrl} = useEnv();
  const [method, setMethod] = useState<SignInMethod>(resume?.method ?? defaultMethod);
  const needsForm = (m: SignInMethod) => fieldsFor(m).some((f) => f.secret);
  const [phase, setPhase] = useState<Phase>(
    resume && !needsForm(resume.method) ? 'running' : resume ? 'form' : 'method',
  );
  const [values, setValues] = useState<Partial<Record<FieldName, string>>>(() => ({
    tenantId: resume?.params.tenantId ?? defaultTenant ?? '',
    clientId: resume?.params.clientId ?? '',
    certificatePath: resume?.params.certificatePath ?? '',
  }));
  const [focus, setFocus] = useState(0);
  const [prompt, setPrompt] = useState<DeviceCodePrompt | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [inspect, setInspect] = useState(false);
  const fields = useMemo(() => fieldsFor(method), [method]);
  // Wall-clock reference for the token view's local times; the countdowns tick by themselves.
  const [now] = useState(() => Date.now());

  const task = useTask(
    (signal, m: SignInMethod, v: Partial<Record<FieldName, string>>) =>
      services.signIn(
        m,
        {
          ...toParams(v),
          ...(resume?.params.authenticationRecord
            ? {authenticationRecord: resume.params.authenticationRecord}
            : {}),
        },
        {onDeviceCode: setPrompt},
        signal,
      ),
    (err) => services.explainError(err, 'Sign in'),
  );

  const signIn = (m: SignInMethod, v: Partial<Record<FieldName, string>>) =>
    task.run(m, v).then((result: SignInResult | undefined) => {
      if (!result) return;
      if (resume) finish(m, v, result);
      else setPhase('signedIn');
    });

  const start = (m: SignInMethod, v: Partial<Record<FieldName, string>>) => {
    setPrompt(undefined);
    setNote(undefined);
    setPhase('running');
    void signIn(m, v);
  };

  const finish = (m: SignInMethod, v: Partial<Record<FieldName, string>>, result: SignInResult) => {
    const {clientSecret: _secret, ...params} = toParams(v);
    dispatch({
      type: 'signedIn',
      session: {
        method: m,
        params: {
          ...params,
          ...(result.authenticationRecord
            ? {authenticationRecord: result.authenticationRecord}
            : {}),
        },
        result,
      },
    });
  };

  // A resumed profile signs in straight away (silently where a cached sign-in allows).
  useEffect(() => {
    if (phase === 'running') void signIn(method, values);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useTextEntry(isActive && phase === 'form');

  useKeys(
    (input, key) => {
      if (phase === 'form') {
        if (key.escape) {
          setPhase('method');
          return;
        }
        if (key.tab) {
          setFocus((f) =>
            key.shift ? (f - 1 + fields.length) % fields.length : (f + 1) % fields.length,
          );
          return;
        }
        if (key.return) {
          if (focus < fields.length - 1) setFocus(focus + 1);
          else if (formProblems(method, values).length === 0) start(method, values);
          else setFocus(fields.findIndex((f) => fieldProblem(f, values[f.name] ?? '')));
        }
        return;
      }
      if (phase === 'running') {
        if (key.escape) {
          task.cancel();
          setPhase(resume ? 'form' : fields.length ? 'form' : 'method');
          setNote('Sign-in cancelled.');
          return;
        }
        if (task.state.status === 'error') {
          if (key.return) setPhase(fields.length ? 'form' : 'method');
          return;
        }
        if (prompt && matches('copyCode', input, key)) {
          void copy(prompt.userCode).then((channel) => setNote(copiedMessage('The code', channel)));
        }
        if (prompt && matches('openBrowser', input, key)) {
          void openUrl(prompt.verificationUri).then((ok) =>
            setNote(
              ok
                ? 'Opening the sign-in page…'
                : `No browser here: open ${prompt.verificationUri} on any device.`,
            ),
          );
        }
        return;
      }
      if (phase === 'signedIn' && task.state.status === 'done') {
        if (matches('inspect', input, key)) setInspect((x) => !x);
        else if (key.return) finish(method, values, task.state.value);
        else if (key.escape) {
          task.reset();
          setPhase('method');
        }
      }
    },
    {isActive: isActive && phase !== 'method'},
  );

  if (phase === 'method') {
    return (
      <Box flexDirection="column">
        <Text bold>How do you want to sign in?</Text>
        {note ? <Text color={theme.status.warning}>{note}</Text> : null}
        <FilterList
          isActive={isActive}
          initialKey={method}
          items={METHODS.map((m) => ({
            key: m.method,
            label: m.label,
            detail: m.detail,
            value: m.method,
          }))}
          onSelect={(item) => {
            setMethod(item.value);
            setFocus(0);
            if (fieldsFor(item.value).length === 0) start(item.value, {});
            else setPhase('form');
          }}
          onBack={() => dispatch({type: 'back'})}
        />
        <Footer keys={['select', 'move', 'filter', 'back']} />
      </Box>
    );
  }

  if (phase === 'form') {
    const info = METHODS.find((m) => m.method === method)!;
    return (
      <Box flexDirection="column">
        <Text bold>
          {info.label} <Text color={theme.text.muted}>— {info.detail}</Text>
        </Text>
        {resume ? (
          <Text color={theme.text.muted}>Resuming profile {resume.profileName}.</Text>
        ) : null}
        {note ? <Text color={theme.status.warning}>{note}</Text> : null}
        {fields.map((f, i) => (
          <TextField
            key={f.name}
            label={f.label}
            value={values[f.name] ?? ''}
            onEdit={(e) =>
              setValues((old) => ({...old, [f.name]: applyEdit(old[f.name] ?? '', e)}))
            }
            isActive={isActive && focus === i}
            placeholder={f.placeholder}
            secret={f.secret}
            error={fieldProblem(f, values[f.name] ?? '')}
            help={f.help}
          />
        ))}
        <Footer
          keys={[
            'submit',
            'nextField',
            ...(fields.some((f) => f.secret) ? (['reveal'] as const) : []),
            'back',
          ]}
        />
      </Box>
    );
  }

  if (phase === 'running') {
    const state = task.state;
    return (
      <Box flexDirection="column">
        {state.status === 'error' ? (
          <>
            <ErrorPanel error={state.error} />
            <Footer keys={['continue', 'back']} />
          </>
        ) : (
          <>
            {prompt ? (
              <Box
                flexDirection="column"
                borderStyle="round"
                borderColor={theme.focus.border}
                paddingX={1}
              >
                <Text>
                  Open <Text color={theme.text.link}>{prompt.verificationUri}</Text>
                </Text>
                <Text>
                  and enter the code{' '}
                  <Text bold color={theme.status.success}>
                    {prompt.userCode}
                  </Text>
                </Text>
                <Text color={theme.text.muted}>
                  The code expires in <Countdown target={prompt.expiresOn.getTime()} />.
                </Text>
              </Box>
            ) : null}
            <Spinner
              label={
                prompt
                  ? 'Waiting for you to finish signing in…'
                  : `Signing in (${METHODS.find((m) => m.method === method)?.label})…`
              }
            />
            {method === 'environment' ? (
              <Text color={theme.text.muted}>{environmentSummary().join(' · ')}</Text>
            ) : null}
            {note ? <Text color={theme.status.info}>{note}</Text> : null}
            <Footer keys={prompt ? ['copyCode', 'openBrowser', 'back'] : ['back']} />
          </>
        )}
      </Box>
    );
  }

  // signedIn
  if (task.state.status !== 'done') return null;
  const {identity, tokenCache} = task.state.value;
  const cacheNote = tokenCacheNote(tokenCache, method);
  return (
    <Box flexDirection="column">
      <Text color={theme.status.success} bold>
        ✓ Signed in
      </Text>
      <Text>
        <Text color={theme.text.muted}>
          {identity.kind === 'user' ? 'user      ' : 'app ID    '}
        </Text>
        {identity.name}
      </Text>
      <Text>
        <Text color={theme.text.muted}>object ID </Text>
        {identity.objectId}
      </Text>
      <Text>
        <Text color={theme.text.muted}>tenant </Text>
        {identity.tenantId}
      </Text>
      <Text color={cacheNote.warn ? theme.status.warning : theme.text.muted}>{cacheNote.text}</Text>
      {inspect ? (
        <TokenView
          token={task.state.value.managementToken.token}
          scope={services.cloud.managementScope}
          now={now}
        />
      ) : null}
      <Footer keys={['continue', 'inspect', 'back']} />
    </Box>
  );
}
