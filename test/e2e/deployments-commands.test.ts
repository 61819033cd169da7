import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore, type ProfileInput} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// `aml-auth deployments …` as a script runs it: the built CLI as a child process with pipes,
// against a sandbox started here, with profiles written through the real store.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = join(root, 'assets/sample-request.json');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: RunningSandbox;
let work: string;
let env: NodeJS.ProcessEnv;
let sub: string;
let secret: string;
const runs: Run[] = [];

function aml(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {cwd: root, env, stdio: 'pipe'});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end();
    child.once('close', (code) => {
      const run = {code, stdout, stderr};
      runs.push(run);
      done(run);
    });
  });
}
const json = (run: Run) => JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WS = () =>
  `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;

/** An empty key endpoint, made over raw ARM (what the wizard's create step leaves behind). */
async function emptyEndpoint(name: string): Promise<void> {
  const token = await tokenFor(sandbox, 'ops-automation');
  const res = await request(sandbox, `${WS()}/onlineEndpoints/${name}?api-version=2025-09-01`, {
    method: 'PUT',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    body: JSON.stringify({location: 'eastus', properties: {authMode: 'Key'}}),
  });
  expect(res.status, res.text).toBe(201);
  for (let i = 0; i < 100; i++) {
    const got = await request(sandbox, `${WS()}/onlineEndpoints/${name}?api-version=2025-09-01`, {
      headers: {authorization: `Bearer ${token}`},
    });
    if (
      (got.json() as {properties: {provisioningState: string}}).properties.provisioningState ===
      'Succeeded'
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('endpoint never succeeded');
}

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  sandbox = await startTestSandbox();
  const ops = principal(sandbox, 'ops-automation');
  secret = ops.clientSecret!;
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-deployments-'));
  const configDir = join(work, 'config');
  const {store} = openProfileStore({dir: configDir});
  const profile = (name: string, endpoint: string): ProfileInput => ({
    name,
    endpoint,
    authMode: 'key',
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {method: 'service-principal', clientId: ops.clientId!},
    subscription: {id: sub, name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
  });
  store.save(profile('dev', 'churn-scorer'));
  store.save(profile('new', 'cli-journey'));
  store.save(profile('yaml', 'cli-yaml'));
  await emptyEndpoint('cli-journey');
  await emptyEndpoint('cli-yaml');
  env = {...cleanEnv(), NO_COLOR: '1', AML_AUTH_CONFIG_DIR: configDir, AZURE_CLIENT_SECRET: secret};
}, 60_000);

afterAll(async () => {
  // No run ever printed the service principal's secret or a raw escape sequence.
  for (const r of runs) {
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain('\u001b');
  }
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('aml-auth deployments list / show', () => {
  it('text: a table of the deployments with traffic, instances, model and environment', async () => {
    const run = await aml(['deployments', 'list', '-p', 'dev']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+TRAFFIC\s+MIRROR\s+INSTANCES\s+MODEL\s+ENVIRONMENT$/);
    expect(lines[1]).toMatch(
      /^blue\s+Succeeded\s+90%\s+—\s+Standard_DS3_v2 × 1\s+azureml:churn-model:3\s+azureml:sklearn-serving:1$/,
    );
    expect(lines[2]).toMatch(/^green\s+Succeeded\s+10%/);
  });

  it('json: the endpoint and every deployment with all fields', async () => {
    const doc = json(await aml(['deployments', 'list', '-p', 'dev', '-o', 'json']));
    expect(doc.endpoint).toMatchObject({name: 'churn-scorer', traffic: {blue: 90, green: 10}});
    expect(Object.keys(doc.deployments[0])).toEqual([
      'name',
      'provisioningState',
      'trafficPercent',
      'mirrorPercent',
      'model',
      'modelId',
      'environment',
      'instanceType',
      'instanceCount',
      'scaleType',
      'scaleRange',
      'requestTimeoutMs',
      'maxConcurrentRequestsPerInstance',
    ]);
    expect(doc.deployments[0]).toMatchObject({
      requestTimeoutMs: 5000,
      maxConcurrentRequestsPerInstance: 1,
      scaleType: 'Default',
    });
  });

  it('show of a missing deployment: exit 5, one line', async () => {
    const run = await aml(['deployments', 'show', 'nope-dep', '-p', 'dev']);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^aml-auth: .*nope-dep/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});

describe('from an empty endpoint to a split, a mirror and a deletion', () => {
  it('creates blue with all traffic, waiting with progress on stderr; invoke answers 200 from blue', async () => {
    const run = await aml([
      'deployments',
      'create',
      'blue',
      '-p',
      'new',
      '--model',
      'azureml:credit-risk:1',
      '--environment',
      'azureml:AzureML-sklearn-1.5@latest',
      '--all-traffic',
      '-o',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({
      name: 'blue',
      provisioningState: 'Succeeded',
      trafficPercent: 100,
      model: 'azureml:credit-risk:1',
      environment: 'azureml:AzureML-sklearn-1.5:18',
      instanceType: 'Standard_DS3_v2',
      instanceCount: 1,
      waited: true,
    });
    expect(run.stderr).toMatch(/^aml-auth: creating blue: Creating \(\d+s\)$/m);
    expect(run.stderr).toMatch(/^aml-auth: creating blue: Succeeded/m);
    const invoked = json(await aml(['invoke', '-p', 'new', '--request', SAMPLE, '-o', 'json']));
    expect(invoked).toMatchObject({status: 200, deployment: 'blue'});
  });

  it('--no-wait returns in state Creating; show follows it to Succeeded', async () => {
    const run = await aml([
      'deployments',
      'create',
      'green',
      '-p',
      'new',
      '--model',
      'azureml:credit-risk@latest',
      '--no-wait',
      '-o',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({name: 'green', provisioningState: 'Creating', waited: false});
    let state = '';
    for (let i = 0; i < 50 && state !== 'Succeeded'; i++) {
      state = json(await aml(['deployments', 'show', 'green', '-p', 'new', '-o', 'json']))
        .provisioningState as string;
    }
    expect(state).toBe('Succeeded');
  });

  it('traffic blue=90 green=10: applied and shown; a split that is not 100 is exit 2 before any call', async () => {
    const run = await aml(['deployments', 'traffic', '-p', 'new', 'blue=90', 'green=10']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^traffic\s+blue=90 green=10$/m);
    expect(run.stdout).toMatch(/^mirror\s+none$/m);
    const repeat = json(
      await aml(['invoke', '-p', 'new', '--request', SAMPLE, '--repeat', '20', '-o', 'json']),
    );
    expect(JSON.stringify(repeat)).toContain('green');
    const bad = await aml(['deployments', 'traffic', '-p', 'new', 'blue=50', 'green=10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('adds up to 60%');
    const garbled = await aml(['deployments', 'traffic', '-p', 'new', 'blue:ninety']);
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toContain("'blue:ninety' is not NAME=PERCENT");
  });

  it('--mirror green=10 with green taking live traffic is refused (exit 2); with blue=100 it applies', async () => {
    const refused = await aml(['deployments', 'traffic', '-p', 'new', '--mirror', 'green=10']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('green takes 10% of the live traffic');
    const run = await aml([
      'deployments',
      'traffic',
      '-p',
      'new',
      'blue=100',
      'green=0',
      '--mirror',
      'green=10',
      '-o',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({traffic: {blue: 100, green: 0}, mirrorTraffic: {green: 10}});
  });

  it("mirrored requests are in green's logs by request ID; the callers' answers came from blue", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const doc = json(await aml(['invoke', '-p', 'new', '--request', SAMPLE, '-o', 'json']));
      expect(doc.deployment).toBe('blue');
      ids.push(doc.requestId as string);
    }
    const logs = await aml(['deployments', 'logs', 'green', '-p', 'new', '--lines', '500']);
    expect(logs.code, logs.stderr).toBe(0);
    const mirrored = ids.filter((id) => logs.stdout.includes(`request_id=${id} (mirrored)`));
    expect(mirrored).toHaveLength(1);
    const tail = json(
      await aml(['deployments', 'logs', 'blue', '-p', 'new', '--lines', '2', '-o', 'json']),
    );
    expect(tail).toMatchObject({deployment: 'blue', container: 'inference-server', lines: 2});
    expect((tail.content as string).trimEnd().split('\n')).toHaveLength(2);
    expect(tail.content).toContain(`request_id=${ids.at(-1)}`);
    const init = await aml([
      'deployments',
      'logs',
      'blue',
      '-p',
      'new',
      '--container',
      'storage-initializer',
    ]);
    expect(init.stdout).toContain('Model download complete');
    const badContainer = await aml([
      'deployments',
      'logs',
      'blue',
      '-p',
      'new',
      '--container',
      'x',
    ]);
    expect(badContainer.code).toBe(2);
  });

  it('delete needs --yes (exit 2); is refused while green gets mirror traffic (exit 1, the way out); deletes once moved', async () => {
    const noYes = await aml(['deployments', 'delete', 'green', '-p', 'new']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('needs --yes');
    const refused = await aml(['deployments', 'delete', 'green', '-p', 'new', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('green receives 10% mirror traffic');
    expect(refused.stderr).toMatch(/hint: Move its traffic to another deployment first/);
    const moved = await aml(['deployments', 'traffic', '-p', 'new', '--mirror', 'none']);
    expect(moved.code, moved.stderr).toBe(0);
    const deleted = await aml(['deployments', 'delete', 'green', '-p', 'new', '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('Deleted deployment green.\n');
    expect(deleted.stderr).toMatch(/^aml-auth: deleting green: Deleting/m);
    const list = json(await aml(['deployments', 'list', '-p', 'new', '-o', 'json']));
    expect(list.deployments.map((d: {name: string}) => d.name)).toEqual(['blue']);
  });
});

describe('aml-auth deployments create --file', () => {
  const file = (name: string, text: string) => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };

  it("the docs' blue-deployment.yml with local paths: one clear message, the az commands, exit 2, nothing changed", async () => {
    const path = file(
      'blue-deployment.yml',
      `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: cli-yaml
model:
  path: ../../model-1/model/
code_configuration:
  code: ../../model-1/onlinescoring/
  scoring_script: score.py
environment:
  conda_file: ../../model-1/environment/conda.yaml
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
instance_type: Standard_DS3_v2
instance_count: 1
`,
    );
    const run = await aml(['deployments', 'create', '-p', 'yaml', '--file', path]);
    expect(run.code).toBe(2);
    const [first, ...rest] = run.stderr.trimEnd().split('\n');
    expect(first).toMatch(
      /^aml-auth: the YAML points at local files — model\.path \(\.\.\/\.\.\/model-1\/model\/\), environment\.conda_file .*code_configuration\.code .*aml-auth does not upload them, and nothing was changed/,
    );
    const hints = rest.join('\n');
    expect(hints).toContain(
      'az ml model create --name blue-model --version 1 --path ../../model-1/model/ -g rg-ws-dev -w ws-dev',
    );
    expect(hints).toContain(
      'az ml environment create --name blue-env --version 1 --image mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest --conda-file ../../model-1/environment/conda.yaml -g rg-ws-dev -w ws-dev',
    );
    expect(run.stdout).toBe('');
    const list = json(await aml(['deployments', 'list', '-p', 'yaml', '-o', 'json']));
    expect(list.deployments).toEqual([]);
  });

  it('an unknown key is refused by name (exit 2)', async () => {
    const path = file(
      'typo.yml',
      'name: blue\nmodel: azureml:credit-risk:1\ninstance_typ: Standard_DS3_v2\n',
    );
    const run = await aml(['deployments', 'create', '-p', 'yaml', '--file', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown key 'instance_typ'");
  });

  it('a YAML of registered references creates the deployment with its settings', async () => {
    const path = file(
      'refs.yml',
      `name: blue
endpoint_name: cli-yaml
model: azureml:credit-risk@latest
environment: azureml:sklearn-serving:1
instance_type: Standard_F4s_v2
instance_count: 2
request_settings:
  request_timeout_ms: 3000
  max_concurrent_requests_per_instance: 4
`,
    );
    const run = await aml(['deployments', 'create', '--file', path, '-p', 'yaml', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({
      name: 'blue',
      model: 'azureml:credit-risk:2',
      environment: 'azureml:sklearn-serving:1',
      instanceType: 'Standard_F4s_v2',
      instanceCount: 2,
      requestTimeoutMs: 3000,
      maxConcurrentRequestsPerInstance: 4,
      trafficPercent: 0,
    });
    expect(run.stderr).toContain('blue takes no traffic yet');
  });

  it("the file's endpoint_name is the target, said on stderr when the profile names another", async () => {
    const path = file(
      'other.yml',
      'name: teal\nendpoint_name: cli-yaml\nmodel: azureml:credit-risk:9\n',
    );
    const run = await aml(['deployments', 'create', '-p', 'dev', '--file', path]);
    expect(run.stderr).toContain(
      "names endpoint cli-yaml, not the profile's churn-scorer: deploying to cli-yaml (--endpoint chooses)",
    );
    expect(run.code).toBe(5);
  });

  it('a model reference that names nothing registered: exit 5 with the versions there are', async () => {
    const run = await aml([
      'deployments',
      'create',
      'teal',
      '-p',
      'yaml',
      '--model',
      'azureml:credit-risk:7',
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('Registered versions of credit-risk: 2, 1');
  });

  it('a local --model path is refused before any call (exit 2)', async () => {
    const run = await aml(['deployments', 'create', 'teal', '-p', 'yaml', '--model', './model']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('az ml model create');
  });
});
