import {Box, Text, useApp} from 'ink';
import {describeAuthMode} from '../../../../domain/auth-mode';
import {useEnv} from '../../../app-context';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {theme} from '../../../theme';
import type {Action, EndpointContext, HomeTarget} from '../../state';
import {trafficText} from '../endpoint/view';
import {homeKey} from './keys';

const ENTRIES: {step: HomeTarget; label: string; detail: string}[] = [
  {step: 'roles', label: 'Roles', detail: 'can this identity do what it needs? check, assign'},
  {
    step: 'credentials',
    label: 'Credentials',
    detail: 'keys or tokens, with live expiry; copy, export, rotate',
  },
  {step: 'invoke', label: 'Invoke', detail: 'send a test request and explain the answer'},
  {
    step: 'deployments',
    label: 'Deployments',
    detail: 'create, split and mirror traffic, logs, delete',
  },
  {step: 'authMode', label: 'Auth mode', detail: 'how callers authenticate; change it'},
  {step: 'save', label: 'Save profile', detail: 'remember this setup (no secrets)'},
  {
    step: 'trafficLog',
    label: 'Traffic log',
    detail: 'who called, with which auth type; turn it on',
  },
];

/** The endpoint's home: where a resumed profile lands, and the way to its access screens. */
export function HomeStep({
  dispatch,
  isActive,
  ctx,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  ctx: EndpointContext;
}) {
  const {services} = useEnv();
  const {exit} = useApp();
  const e = ctx.endpoint;
  return (
    <Box flexDirection="column">
      {ctx.profile ? <Text color={theme.status.success}>✓ Saved profile {ctx.profile}</Text> : null}
      <Text>
        <Text bold>{e.endpoint}</Text> in {ctx.workspace.name} ·{' '}
        <Text color={theme.text.accent}>{e.authMode}</Text> · {trafficText(e.traffic)}
      </Text>
      <Text color={theme.text.muted} wrap="truncate-end">
        {e.scoringUri ?? 'no scoring URI yet'}
      </Text>
      <Text color={theme.text.muted} wrap="wrap">
        {describeAuthMode(e.authMode, services.cloud).explanation}
      </Text>
      <Box marginTop={1} flexDirection="column">
        <FilterList
          isActive={isActive}
          initialKey={ctx.lastOpened}
          items={ENTRIES.map((x) => ({
            key: x.step,
            label: x.label,
            detail: x.detail,
            value: x.step,
          }))}
          onSelect={(item) => dispatch({type: 'open', step: item.value})}
          onBack={() => dispatch({type: 'back'})}
          onKey={homeKey(exit)}
        />
      </Box>
      <Footer keys={['select', 'move', 'leave', 'back']} />
    </Box>
  );
}
