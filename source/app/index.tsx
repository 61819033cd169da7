import {render} from 'ink';
import {type AppEnvironment, EnvProvider} from './app-context';
import {Wizard} from './wizard/app';

/**
 * Renders the wizard and resolves when the user leaves it: 'done' after the last step,
 * 'interrupted' on ctrl+c. Ctrl-C is handled inside the app (one exit path, terminal restored).
 */
export async function runWizard(env: AppEnvironment): Promise<'done' | 'interrupted'> {
  let outcome: 'done' | 'interrupted' = 'done';
  const instance = render(
    <EnvProvider value={env}>
      <Wizard onInterrupt={() => (outcome = 'interrupted')} />
    </EnvProvider>,
    {exitOnCtrlC: false},
  );
  await instance.waitUntilExit();
  return outcome;
}
