import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {KEY, spawnCli, type PtyApp} from './pty';
import {startTestSandbox} from './sandbox';

/**
 * One sandbox (device codes approved as the owner) and one profile folder for a test file of
 * the wizard in a pseudo-terminal; every app started through `wizard()` is killed at the end.
 */
export function wizardSandbox(name: string) {
  let sandbox: RunningSandbox | undefined;
  let configDir = '';
  const running: PtyApp[] = [];
  beforeAll(async () => {
    sandbox = await startTestSandbox({autoApprove: 'owner', autoApproveDelayMs: 200});
    configDir = mkdtempSync(join(tmpdir(), `aml-auth-${name}-`));
  });
  afterAll(async () => {
    for (const app of running) app.kill('SIGKILL');
    await sandbox?.stop();
    if (configDir) rmSync(configDir, {recursive: true, force: true});
  });
  return {
    get sandbox(): RunningSandbox {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll');
      return sandbox;
    },
    get configDir() {
      return configDir;
    },
    /** The wizard on the sandbox's cloud file, with this file's profile folder. */
    wizard(options: {env?: Record<string, string>; cols?: number; rows?: number} = {}): PtyApp {
      const app = spawnCli(['--cloud', this.sandbox.descriptor.cloudFile], {
        ...options,
        env: {AML_AUTH_CONFIG_DIR: configDir, ...options.env},
      });
      running.push(app);
      return app;
    },
  };
}

/** From the sign-in screen: device code, Sandbox Dev, ws-dev — the endpoint list. */
export async function signInToEndpoints(app: PtyApp): Promise<void> {
  await app.waitForText('How do you want to sign in?');
  await app.press(KEY.enter); // device code
  await app.waitForText('Tenant:');
  await app.press(KEY.enter);
  await app.waitForText('Signed in', 15_000);
  await app.press(KEY.enter);
  await app.waitForText('Sandbox Prod');
  await app.press(KEY.enter); // Sandbox Dev sorts first
  await app.waitForText('ws-experiments');
  await app.press(KEY.enter); // ws-dev
  await app.waitForText('churn-scorer');
}

/** From the endpoint list: churn-scorer, keep its mode, save it as a profile — its home. */
export async function saveChurnScorer(app: PtyApp): Promise<void> {
  await app.press(KEY.enter); // churn-scorer sorts first
  await app.waitForText('Auth mode of churn-scorer');
  await app.press('k');
  await app.waitForText('Save this setup as a profile');
  await app.press(KEY.enter);
  await app.waitForText('Saved profile churn-scorer');
}
