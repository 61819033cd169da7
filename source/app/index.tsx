import {render} from 'ink';
import {type AppEnvironment, EnvProvider, FramesContext, ListCacheContext} from './app-context';
import {createHub} from '../lib/hub';
import {createListCache, droppingChangedLists} from './list-cache';
import {Wizard} from './wizard/app';

/**
 * Renders the wizard and resolves when the user leaves it: 'done' after the last step,
 * 'interrupted' on ctrl+c. Ctrl-C is handled inside the app (one exit path, terminal restored).
 */
export async function runWizard(env: AppEnvironment): Promise<'done' | 'interrupted'> {
  let outcome: 'done' | 'interrupted' = 'done';
  const lists = createListCache();
  const frames = createHub<void>();
  const instance = render(
    <EnvProvider value={{...env, services: droppingChangedLists(env.services, lists)}}>
      <ListCacheContext.Provider value={lists}>
        <FramesContext.Provider value={frames}>
          <Wizard onInterrupt={() => (outcome = 'interrupted')} />
        </FramesContext.Provider>
      </ListCacheContext.Provider>
    </EnvProvider>,
    // The wizard runs only on a terminal (its command refuses otherwise), so it renders live even
    // where CI=true is set (dev containers, CI shells opened by hand): Ink would otherwise hold
    // every frame back until exit.
    // Frames at most 60 times a second (Ink's default is 30): a key that comes just after another
    // frame (a countdown's tick) waits at most one 60 Hz frame for its own. A screen left alone
    // still draws only when something on it changes.
    {
      exitOnCtrlC: false,
      interactive: Boolean(process.stdout.isTTY),
      maxFps: 60,
      onRender: () => frames.emit(),
    },
  );
  await instance.waitUntilExit();
  return outcome;
}
