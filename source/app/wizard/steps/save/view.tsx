import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useState} from 'react';
import {useEnv, useTextEntry} from '../../../app-context';
import {Footer} from '../../../components/footer';
import {applyEdit, TextField} from '../../../components/text-field';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action, EndpointContext, Session} from '../../state';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The end of part 1: remember this setup as a profile (no secrets are stored). */
export function SaveStep({
  dispatch,
  isActive,
  ctx,
  session,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  ctx: EndpointContext;
  session: Session;
}) {
  const {profiles, cloudRef} = useEnv();
  const [name, setName] = useState(ctx.profile ?? ctx.endpoint.endpoint);
  const [overwrite, setOverwrite] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useTextEntry(isActive && !overwrite);
  const problem = NAME.test(name)
    ? undefined
    : '1–64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.';

  const save = () => {
    const {subscription, workspace, endpoint} = ctx;
    try {
      profiles.save({
        name,
        cloud: cloudRef,
        tenantId: session.result.identity.tenantId,
        signIn: {
          method: session.method,
          ...(session.params.clientId ? {clientId: session.params.clientId} : {}),
          ...(session.params.certificatePath
            ? {certificatePath: session.params.certificatePath}
            : {}),
          ...(session.params.authenticationRecord
            ? {authenticationRecord: session.params.authenticationRecord}
            : {}),
        },
        subscription: {id: subscription.subscriptionId, name: subscription.displayName},
        resourceGroup: workspace.resourceGroup,
        workspace: workspace.name,
        endpoint: endpoint.endpoint,
        authMode: endpoint.authMode,
        ...(ctx.deployment ? {deployment: ctx.deployment} : {}),
        ...(ctx.requestFile ? {lastRequestFile: ctx.requestFile} : {}),
      });
      dispatch({type: 'profileSaved', name});
    } catch (err) {
      setError((err as Error).message);
    }
  };

  useKeys(
    (input, key) => {
      if (overwrite) {
        if (matches('confirm', input, key)) {
          setOverwrite(false);
          save();
        } else if (matches('deny', input, key) || key.escape) setOverwrite(false);
        return;
      }
      if (key.escape) return dispatch({type: 'back'});
      if (key.return && !problem) {
        // Saving over this setup's own profile needs no question; over another one, it does.
        const mine = ctx.profile === name;
        if (profiles.has(name) && !mine) setOverwrite(true);
        else save();
      }
    },
    {isActive},
  );

  return (
    <Box flexDirection="column">
      <Text bold>Save this setup as a profile</Text>
      <Text color={theme.text.muted} wrap="wrap">
        Next time, resume it from the first screen. A profile keeps the cloud, tenant, sign-in
        method, subscription, workspace, endpoint and auth mode — never a key, token or secret.
      </Text>
      <TextField
        label="Profile name"
        value={name}
        onEdit={(e) => setName((v) => applyEdit(v, e))}
        isActive={isActive && !overwrite}
        error={problem}
      />
      {overwrite ? (
        <Text color={theme.status.warning}>
          A profile named {name} exists. Overwrite it? y overwrite · n keep
        </Text>
      ) : null}
      {error ? <Text color={theme.status.error}>{error}</Text> : null}
      <Footer keys={overwrite ? ['confirm', 'deny'] : ['submit', 'back']} />
    </Box>
  );
}
