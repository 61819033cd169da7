import {describe, expect, it} from 'vitest';
import {
  deleteProblem,
  newDeploymentNameProblem,
  parseAssetRef,
  parseTrafficArgs,
  shortAssetRef,
  trafficProblem,
} from '../../source/domain/deployments';
import {localPathsMessage, parseDeploymentYaml} from '../../source/domain/deployment-yaml';

const where = {resourceGroup: 'rg-ws-dev', workspace: 'ws-dev'};
const deps = [{name: 'blue'}, {name: 'green'}];
const WS =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

describe('traffic rules (Azure)', () => {
  it('a split adds up to 100 or is all 0', () => {
    expect(trafficProblem(deps, {blue: 90, green: 10}, {})).toBeUndefined();
    expect(trafficProblem(deps, {blue: 0, green: 0}, {})).toBeUndefined();
    expect(trafficProblem(deps, {blue: 90, green: 5}, {})).toContain('adds up to 95%');
    expect(trafficProblem(deps, {blue: 101}, {})).toContain('0 to 100');
    expect(trafficProblem(deps, {blue: 50.5, green: 49.5}, {})).toContain('whole percentage');
  });

  it('names only existing deployments (case-insensitively)', () => {
    expect(trafficProblem(deps, {BLUE: 100}, {})).toBeUndefined();
    expect(trafficProblem(deps, {teal: 100}, {})).toBe(
      "no deployment named 'teal' on this endpoint (deployments: blue, green)",
    );
  });

  it('mirror: one deployment, at most 50 %, not one taking live traffic', () => {
    expect(trafficProblem(deps, {blue: 100, green: 0}, {green: 50})).toBeUndefined();
    expect(trafficProblem(deps, {blue: 100}, {green: 51})).toContain('at most 50%');
    expect(trafficProblem(deps, {blue: 90, green: 10}, {green: 10})).toBe(
      'green takes 10% of the live traffic: it cannot also receive mirror traffic',
    );
    expect(trafficProblem([...deps, {name: 'red'}], {blue: 100}, {green: 10, red: 10})).toContain(
      'one deployment only',
    );
  });

  it('delete is refused while a deployment takes live or mirror traffic', () => {
    expect(deleteProblem('green', {blue: 90, green: 10}, {})).toBe(
      'green takes 10% of the live traffic',
    );
    expect(deleteProblem('green', {blue: 100, green: 0}, {green: 5})).toBe(
      'green receives 5% mirror traffic',
    );
    expect(deleteProblem('green', {blue: 100, green: 0}, {})).toBeUndefined();
  });

  it('parses blue=90 green=10 (and commas), refusing garbage and repeats', () => {
    expect(parseTrafficArgs(['blue=90', 'green=10'])).toEqual({
      ok: true,
      traffic: {blue: 90, green: 10},
    });
    expect(parseTrafficArgs(['blue=90,green:10%'])).toEqual({
      ok: true,
      traffic: {blue: 90, green: 10},
    });
    expect(parseTrafficArgs(['blue'])).toMatchObject({ok: false});
    expect(parseTrafficArgs(['blue=-1'])).toMatchObject({ok: false});
    expect(parseTrafficArgs(['blue=1', 'BLUE=2'])).toEqual({
      ok: false,
      problem: 'BLUE is given twice',
    });
  });
});

describe('asset references', () => {
  it('azureml:name:version, azureml:name@latest, ARM IDs and registry URIs; nothing else', () => {
    expect(parseAssetRef('azureml:churn-model:3')).toEqual({
      kind: 'version',
      name: 'churn-model',
      version: '3',
    });
    expect(parseAssetRef('azureml:AzureML-sklearn-1.5@latest')).toEqual({
      kind: 'latest',
      name: 'AzureML-sklearn-1.5',
    });
    expect(parseAssetRef(`${WS}/models/m/versions/2`)).toEqual({
      kind: 'id',
      id: `${WS}/models/m/versions/2`,
    });
    expect(
      parseAssetRef('azureml://registries/azureml/environments/sklearn-1.5/versions/18'),
    ).toMatchObject({kind: 'id'});
    for (const local of ['./model', 'model.pkl', '../../model-1/model/', 'azureml:', 'azureml:x'])
      expect(parseAssetRef(local), local).toBeUndefined();
  });

  it('an ARM ID reads back as azureml:name:version', () => {
    expect(shortAssetRef(`${WS}/environments/env/versions/1`)).toBe('azureml:env:1');
    expect(shortAssetRef('azureml://registries/azureml/environments/x/versions/1')).toBe(
      'azureml://registries/azureml/environments/x/versions/1',
    );
  });

  it("a new deployment's name follows Azure's rule", () => {
    expect(newDeploymentNameProblem('blue')).toBeUndefined();
    expect(newDeploymentNameProblem('9lives')).toContain('start with a letter');
    expect(newDeploymentNameProblem('ab')).toContain('At least 3');
    expect(newDeploymentNameProblem('blue-')).toContain('hyphen');
  });
});

describe('deployment YAML (managedOnlineDeployment)', () => {
  it('reads references and settings into a spec, with Azure ML defaults', () => {
    const r = parseDeploymentYaml(
      `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: green
endpoint_name: my-endpoint
model: azureml:credit-risk@latest
environment: azureml:AzureML-sklearn-1.5:18
code_configuration:
  code: azureml:score-code:1
  scoring_script: score.py
environment_variables:
  WORKERS: 2
request_settings:
  request_timeout_ms: 3000
  max_concurrent_requests_per_instance: 2
scale_settings:
  type: target_utilization
  min_instances: 1
  max_instances: 3
liveness_probe:
  initial_delay: 30
  period: 10
app_insights_enabled: true
tags:
  team: risk
`,
      where,
    );
    expect(r).toEqual({
      ok: true,
      spec: {
        name: 'green',
        endpointName: 'my-endpoint',
        model: 'azureml:credit-risk@latest',
        environment: 'azureml:AzureML-sklearn-1.5:18',
        codeConfiguration: {code: 'azureml:score-code:1', scoringScript: 'score.py'},
        instanceType: 'Standard_DS3_v2',
        instanceCount: 1,
        environmentVariables: {WORKERS: '2'},
        requestSettings: {requestTimeoutMs: 3000, maxConcurrentRequestsPerInstance: 2},
        scaleSettings: {type: 'target_utilization', minInstances: 1, maxInstances: 3},
        livenessProbe: {initialDelaySeconds: 30, periodSeconds: 10},
        appInsightsEnabled: true,
        tags: {team: 'risk'},
      },
    });
  });

  it("local paths (the docs' blue-deployment.yml) are reported with the commands that register them", () => {
    const r = parseDeploymentYaml(
      `name: blue
endpoint_name: my-endpoint
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
      where,
    );
    expect(r.ok).toBe(false);
    if (r.ok || r.kind !== 'localPaths') throw new Error('expected local paths');
    expect(r.locals.map((l) => l.field)).toEqual([
      'model.path',
      'environment.conda_file',
      'code_configuration.code',
    ]);
    expect(r.locals[0]!.command).toBe(
      'az ml model create --name blue-model --version 1 --path ../../model-1/model/ -g rg-ws-dev -w ws-dev',
    );
    const message = localPathsMessage(r.locals);
    expect(message.line).toContain('nothing was changed');
    expect(message.commands).toHaveLength(3);
  });

  it('a model path as a plain string is local too; a path with spaces is quoted', () => {
    const r = parseDeploymentYaml("name: blue\nmodel: './my model'\n", where);
    if (r.ok || r.kind !== 'localPaths') throw new Error('expected local paths');
    expect(r.locals[0]!.command).toContain("--path './my model'");
  });

  it.each([
    ['name: blue\nmodel: azureml:m:1\ninstance_typ: x\n', "unknown key 'instance_typ'"],
    [
      'name: blue\nmodel: azureml:m:1\nrequest_settings:\n  timeout: 5\n',
      "'request_settings.timeout'",
    ],
    ['model: azureml:m:1\n', 'name is required'],
    ['name: 9lives\nmodel: azureml:m:1\n', 'not a valid name'],
    ['name: blue\n', 'model is required'],
    [
      'name: blue\nmodel: azureml:m:1\ninstance_count: 0\n',
      'instance_count must be a whole number of at least 1',
    ],
    ['name: blue\nmodel: azureml:m:1\ntype: kubernetes\n', "type 'kubernetes' is not supported"],
    [
      'name: blue\nmodel: azureml:m:1\nenvironment: my-env\n',
      "environment 'my-env' is not a reference",
    ],
    ['name: [unclosed\n', 'not valid YAML'],
    ['- a\n- b\n', 'not a YAML mapping'],
    ['name: blue\nname: green\nmodel: azureml:m:1\n', 'not valid YAML'],
  ])('refuses %j: %s', (text, problem) => {
    const r = parseDeploymentYaml(text, where);
    expect(r.ok).toBe(false);
    if (r.ok || r.kind !== 'invalid') throw new Error('expected invalid');
    expect(r.problem).toContain(problem);
  });
});
