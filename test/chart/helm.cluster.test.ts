// The chart's life with real helm on the local cluster: install the previous version, upgrade to this one (which
// upgrades the CRD: a new field appears in `kubectl explain` and is stored), `helm test`, rollback, uninstall (the CRD
// and the PetStores stay). The chart copies serve their own API group (isolated-chart.ts), so this file cannot disturb
// PetStores of other test files. kwok plays the kubelet: the operator pods are reported Running but nothing runs, so
// this file proves what Helm and the API server do; rbac.cluster.test.ts runs the operator with the chart's identity.
import { afterAll, describe, expect, it } from '@jest/globals';
import { helm, kubectl, podSecurity, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { isolatedChart, isolatedNames } from './isolated-chart.ts';

const namespace = useNamespace({ labels: podSecurity('restricted') });
const suffix = Math.random().toString(36).slice(2, 7);
const group = `helmtest-${suffix}.example.com`;
const release = `pso-${suffix}`;
const fullname = `${release}-petstore-operator`;
const crdName = `${isolatedNames.plural}.${group}`;
const previous = isolatedChart({ group, version: '0.0.1', withoutSpecField: 'tags' });
const current = isolatedChart({ group });

/** `kubectl explain` of a PetStore field in this file's API group; rejects when the schema lacks it. */
const explain = (field: string): Promise<string> =>
  kubectl(['explain', `${isolatedNames.plural}.${field}`, `--api-version=${group}/v1alpha1`]);
const operatorImage = async (): Promise<string> =>
  kubectl([
    'get',
    'deployment',
    fullname,
    '-n',
    namespace.name,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
const petStore = (spec: object): string =>
  JSON.stringify({
    apiVersion: `${group}/v1alpha1`,
    kind: isolatedNames.kind,
    metadata: { name: 'survivor', namespace: namespace.name },
    spec,
  });

const tagsOfSurvivor = (): Promise<string> =>
  kubectl(['get', `${crdName}/survivor`, '-n', namespace.name, '-o', 'jsonpath={.spec.tags}']);
const helmArgs = (): string[] => ['--namespace', namespace.name, '--wait', '--timeout', '3m'];

afterAll(async () => {
  await helm(['uninstall', release, '--namespace', namespace.name, '--wait']).catch(() => undefined);
  // The CRD is kept by design; this file's copy goes now, with its PetStores.
  await kubectl(['delete', 'crd', crdName, '--ignore-not-found', '--wait=false']);
});

describe('helm install, upgrade, test, rollback and uninstall', () => {
  it('installs the previous chart version, whose CRD lacks spec.tags, and says what to do next', async () => {
    const output = await helm(['install', release, previous, ...helmArgs()]);

    expect(output).toContain('STATUS: deployed');
    expect(output).toContain(`kubectl -n ${namespace.name} rollout status deployment/${fullname}`);
    expect(output).toContain(`helm test ${release} -n ${namespace.name}`);
    expect(await operatorImage()).toBe('petstore-operator:0.0.1');
    await waitFor(() => explain('spec.database'), 30_000, 'the CRD schema to be published');
    await expect(explain('spec.tags')).rejects.toThrow(/does not exist/);
    await kubectl(['apply', '-f', '-'], { input: petStore({ database: { engine: 'sqlite' } }) });
  });

  it('upgrades to this chart version, which upgrades the CRD: spec.tags shows in kubectl explain and is kept', async () => {
    const output = await helm(['upgrade', release, current, ...helmArgs()]);

    expect(output).toContain('STATUS: deployed');
    expect(output).toContain('upgraded in namespace');
    expect(await operatorImage()).toBe('petstore-operator:0.1.0');
    const explained = await waitFor(() => explain('spec.tags'), 60_000, 'spec.tags in kubectl explain');
    expect(explained).toContain('FIELD: tags');
    // The PetStore made under the old schema takes the new field, and the API server stores it (not pruned).
    await kubectl(['apply', '-f', '-'], {
      input: petStore({ database: { engine: 'sqlite' }, tags: { owner: 'pets-team', costCenter: 'cc-1234' } }),
    });
    const stored = await kubectl([
      'get',
      `${crdName}/survivor`,
      '-n',
      namespace.name,
      '-o',
      'jsonpath={.spec.tags.owner}',
    ]);
    expect(stored).toBe('pets-team');
  });

  it('passes helm test, and removes the test objects afterwards', async () => {
    const output = await helm(['test', release, '--namespace', namespace.name, '--timeout', '3m']);

    expect(output).toContain(`TEST SUITE:     ${fullname}-test`);
    const phases = output.match(/^Phase:\s+\w+$/gm) ?? [];
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.filter((phase) => !phase.endsWith('Succeeded'))).toEqual([]);
    const left = await kubectl([
      'get',
      'jobs,serviceaccounts,roles,rolebindings,configmaps',
      '-n',
      namespace.name,
      '-l',
      'app.kubernetes.io/component=test',
      '-o',
      'name',
    ]);
    expect(left.trim()).toBe('');
  });

  it('rolls back to the previous revision (operator and CRD schema alike), keeping the PetStore', async () => {
    await helm(['rollback', release, '1', ...helmArgs()]);

    const history = await helm(['history', release, '--namespace', namespace.name, '-o', 'json']);
    expect((JSON.parse(history) as { description: string }[]).at(-1)?.description).toBe('Rollback to 1');
    expect(await operatorImage()).toBe('petstore-operator:0.0.1');
    await waitFor(
      () =>
        explain('spec.tags').then(
          () => false,
          () => true,
        ),
      60_000,
      'spec.tags to leave the schema again',
    );
    expect(await kubectl(['get', `${crdName}/survivor`, '-n', namespace.name, '-o', 'name'])).toContain('survivor');
    // The API server prunes what the old schema does not know when it reads the object: spec.tags is hidden.
    expect(await tagsOfSurvivor()).toBe('');
  });

  it('upgrades again, bringing back fields the rollback hid, then uninstalls leaving the CRDs and PetStores', async () => {
    await helm(['upgrade', release, current, ...helmArgs()]);
    // Nothing wrote the PetStore while the old schema was in place, so etcd still held spec.tags: it is back.
    expect(JSON.parse(await tagsOfSurvivor())).toEqual({ owner: 'pets-team', costCenter: 'cc-1234' });
    const output = await helm(['uninstall', release, '--namespace', namespace.name, '--wait']);

    expect(output).toContain('These resources were kept due to the resource policy:\n');
    expect(output).toContain(`[CustomResourceDefinition] ${crdName}\n`);
    expect(output).toContain(`[CustomResourceDefinition] ${crdName.replace(/^[^.]+/, 'helmtestpetstorebackups')}\n`);
    expect(await kubectl(['get', 'crd', crdName, '-o', 'name'])).toContain(crdName);
    expect(await kubectl(['get', `${crdName}/survivor`, '-n', namespace.name, '-o', 'name'])).toContain('survivor');
    const operator = await kubectl([
      'get',
      'deployments,serviceaccounts',
      '-n',
      namespace.name,
      '-l',
      `app.kubernetes.io/instance=${release}`,
      '-o',
      'name',
    ]);
    expect(operator.trim()).toBe('');
    await expect(kubectl(['get', 'clusterrole', fullname])).rejects.toThrow(/NotFound/);
  });
});
