/**
 * A child process that writes the profile store, for the concurrency tests (bundled with esbuild
 * by the test). argv: DIR GO_FILE OP ARGS… — waits until GO_FILE exists, so every writer starts
 * at the same moment, then runs OP: `save NAME…`, `rename FROM:TO…`, `remove NAME…`.
 */
import fs from 'node:fs';
import {openProfileStore} from '../../source/profiles';

const [dir, go, op, ...args] = process.argv.slice(2) as [string, string, string, ...string[]];
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(go)) Atomics.wait(pause, 0, 0, 2);

for (const arg of args) {
  const {store} = openProfileStore({dir});
  if (op === 'save') {
    store.save({
      name: arg,
      cloud: 'AzureCloud',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      signIn: {method: 'cli'},
      subscription: {id: '11111111-2222-3333-4444-555555555555', name: 'Dev'},
      resourceGroup: 'rg',
      workspace: 'ws',
      endpoint: `ep-${arg}`,
      authMode: 'key',
    });
  } else if (op === 'rename') {
    const [from, to] = arg.split(':') as [string, string];
    store.rename(from, to);
  } else if (op === 'remove') {
    store.remove(arg);
  }
}
