import {Box, Text} from 'ink';
import {useState} from 'react';
import {browserNotice} from '../../../../domain/browser-sign-in';
import type {BrowserPrompt, SignInMethod} from '../../../../domain/types';
import {formatElapsed} from '../../../../lib/time';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {Countdown} from '../../../components/countdown';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useNow} from '../../../hooks/use-now';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action, ResumeTarget, SignInAgain} from '../../state';
import {useSignInKeys} from './keys';
import {environmentSummary, fieldProblem, fieldsFor, METHODS, tokenCacheNote} from './methods';
import {initialSignIn, sessionOf, signInReducer, type SignInScreen} from './state';
import {TokenView} from './token-view';
import {signInRunner} from './work';

interface Props {
  dispatch: (a: Action) => void;
  isActive: boolean;
  resume?: ResumeTarget;
  /** Signing in again over a step (the wizard keeps it): prefilled, started at once. */
  again?: SignInAgain;
  defaultMethod?: SignInMethod;
  defaultTenant?: string;
}

export function SignInStep({
  dispatch,
  isActive,
  resume,
  again,
  defaultMethod = 'device-code',
  defaultTenant,
}: Props) {
  const {services, copy, openUrl, environmentSecret} = useEnv();
  const [screen, screenDispatch, getScreen] = useStore(signInReducer, () =>
    initialSignIn({resume, again, defaultMethod, defaultTenant, environmentSecret}),
  );
  // Wall-clock reference for the token view's local times; the countdowns tick by themselves.
  const [now] = useState(() => Date.now());
  const {method, values, focus, note} = screen;
  const fields = fieldsFor(method);

  const onFinished = (s: Extract<SignInScreen, {mode: 'finished'}>) =>
    dispatch({type: 'signedIn', session: sessionOf(s.method, s.values, s.result)});

  useWork(
    screen.mode === 'running' ? screen.work : undefined,
    signInRunner({
      services,
      authenticationRecord: (resume ?? again)?.params.authenticationRecord,
      dispatch: screenDispatch,
      onFinished,
    }),
  );

  useTextEntry(isActive && screen.mode === 'form');

  useSignInKeys({
    isActive: isActive && screen.mode !== 'method',
    dispatch: screenDispatch,
    get: getScreen,
    onFinished,
    onLeave: () => dispatch({type: 'back'}),
    onCopyCode: (prompt) =>
      void copy(prompt.userCode).then((outcome) =>
        screenDispatch({type: 'note', note: copiedMessage('The code', outcome)}),
      ),
    onCopyUrl: (url) =>
      void copy(url).then((channel) =>
        screenDispatch({type: 'note', note: copiedMessage('The sign-in URL', channel)}),
      ),
    onOpenBrowser: (prompt) =>
      void openUrl(prompt.verificationUri).then((ok) =>
        screenDispatch({
          type: 'note',
          note: ok
            ? 'Opening the sign-in page…'
            : `No browser here: open ${prompt.verificationUri} on any device.`,
        }),
      ),
  });

  if (screen.mode === 'method') {
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
          onSelect={(item) => screenDispatch({type: 'choose', method: item.value})}
          onBack={() => dispatch({type: 'back'})}
        />
        <Footer keys={['select', 'move', 'filter', 'back']} />
      </Box>
    );
  }

  if (screen.mode === 'form') {
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
            onEdit={(edit) => screenDispatch({type: 'edit', edit})}
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

  if (screen.mode === 'failed') {
    return (
      <Box flexDirection="column">
        <ErrorPanel error={screen.error} />
        <Footer keys={['continue', 'back']} />
      </Box>
    );
  }

  if (screen.mode === 'running' && screen.browser) {
    return <BrowserWaiting browser={screen.browser} note={note} />;
  }

  if (screen.mode === 'running') {
    const {prompt} = screen;
    return (
      <Box flexDirection="column">
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
      </Box>
    );
  }

  // signedIn (and finished, for the moment before the wizard moves on)
  const {identity, tokenCache, managementToken} = screen.result;
  const cacheNote = tokenCacheNote(tokenCache, method);
  return (
    <Box flexDirection="column">
      <Text color={theme.status.success} bold>
        ✓ Signed in{screen.inspect ? ` as ${identity.name}` : ''}
      </Text>
      {screen.inspect ? (
        // The decoded token holds the object and tenant IDs: it replaces the summary, so the
        // screen (header included) fits 80×24.
        <TokenView token={managementToken.token} scope={services.cloud.managementScope} now={now} />
      ) : (
        <>
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
          <Text color={cacheNote.warn ? theme.status.warning : theme.text.muted}>
            {cacheNote.text}
          </Text>
        </>
      )}
      <Footer keys={['continue', 'inspect', 'back']} />
    </Box>
  );
}

/** Since when (epoch ms), ticking. */
function Elapsed({since}: {since: number}) {
  const now = useNow();
  return <>{formatElapsed(Math.max(0, now - since))}</>;
}

/**
 * The browser sign-in waiting for its redirect: the page opened, or why no browser could be and
 * the URL to open by hand (unboxed, so it wraps at the full width), with device code offered.
 */
function BrowserWaiting({
  browser,
  note,
}: {
  browser: BrowserPrompt & {since: number};
  note?: string;
}) {
  const notice = browserNotice(browser);
  return (
    <Box flexDirection="column">
      <Text color={browser.opened ? theme.status.info : theme.status.warning}>
        {notice.headline}
      </Text>
      <Text>{notice.how}</Text>
      <Text color={theme.text.link}>{notice.url}</Text>
      <Text> </Text>
      <Text color={theme.text.muted}>
        A device code works everywhere: press d to sign in with one instead.
      </Text>
      <Text>
        <Spinner label="Waiting for the browser to come back with the sign-in… " />
        <Elapsed since={browser.since} />
      </Text>
      {note ? <Text color={theme.status.info}>{note}</Text> : null}
      <Footer keys={['copyUrl', 'useDeviceCode', 'back']} />
    </Box>
  );
}
