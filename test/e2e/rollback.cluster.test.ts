// Automatic rollback on the real node (issue 18, item 6): a PetStore whose new image cannot start (it does not exist:
// the kubelet reports ErrImagePull / ImagePullBackOff) is put back on its last healthy release once
// spec.rollout.timeout has passed; the status records both releases and why, a Warning event says so, the failed spec
// stays visible, nothing loops, and the next spec change rolls forward.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl, podSecurity, realNode, useNamespace, waitFor } from '../cluster/fixtures.ts';
import { installCrd, startOperator, type OperatorProcess } from './operator.ts';

const namespace = useNamespace({ realNode: true, labels: podSecurity('restricted') });
const broken = 'localhost/petstore-api:does-not-exist';
let operator: OperatorProcess;

interface Release {
  image: string;
  configChecksum: string;
}
interface PetStoreState {
  metadata: { generation: number };
  spec: { image?: string };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    release?: { current?: Release; lastHealthy?: Release; rolledBack?: { image: string; reason: string } };
  };
}

const petStore = async (): Promise<PetStoreState> =>
  JSON.parse(await kubectl(['-n', namespace.name, 'get', 'petstore/shop', '-o', 'json'])) as PetStoreState;
const condition = (state: PetStoreState, type: string) => state.status?.conditions?.find((c) => c.type === type);
const deploymentImage = async (): Promise<string> =>
  kubectl(['-n', namespace.name, 'get', 'deployment/shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

const apply = (image: string | undefined): Promise<string> =>
  kubectl(['-n', namespace.name, 'apply', '--server-side', '--field-manager=app-team', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'petstore.example.com/v1alpha1',
      kind: 'PetStore',
      metadata: { name: 'shop' },
      spec: { ...(image ? { image } : {}), rollout: { timeout: '30s' } },
    }),
  });

beforeAll(async () => {
  await installCrd();
  operator = await startOperator({
    args: [`--namespaces=${namespace.name}`],
    env: { PETSTORE_API_IMAGE: realNode().images.api.ref },
  });
  await apply(undefined);
  await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=180s']);
}, 300_000);

afterAll(async () => {
  await operator.stop();
});

describe('a release whose image cannot start', () => {
  const good = (): string => realNode().images.api.ref;

  it('is rolled back to the last healthy release after spec.rollout.timeout, and says why', async () => {
    expect((await petStore()).status?.release?.lastHealthy?.image).toBe(good());
    await apply(broken);
    // Before the timeout runs out, Ready already names what keeps the new pod from running (issue 18, item 7).
    const pulling = await waitFor(
      async () => {
        const ready = condition(await petStore(), 'Ready');
        return ready?.reason === 'ImagePullFailed' ? ready : undefined;
      },
      60_000,
      'Ready to say the new image cannot be pulled',
      500,
    );
    expect(pulling!.message).toContain(`cannot pull image ${broken}`);
    const rolledBack = await waitFor(
      async () => {
        const state = await petStore();
        return condition(state, 'Degraded')?.reason === 'RolledBack' && (await deploymentImage()) === good()
          ? state
          : undefined;
      },
      180_000,
      'the PetStore to roll back to its last healthy release',
      1_000,
    );
    const degraded = condition(rolledBack!, 'Degraded');
    expect(degraded?.status).toBe('True');
    expect(degraded?.message).toContain(`release ${broken} failed (ImagePullFailed)`);
    expect(degraded?.message).toContain(`rolled back to ${good()}`);
    expect(rolledBack!.status?.release).toMatchObject({
      lastHealthy: { image: good() },
      rolledBack: { image: broken, reason: 'ImagePullFailed' },
    });
    // The failed spec stays visible; kubectl describe shows why in the events.
    expect(rolledBack!.spec.image).toBe(broken);
    const events = await kubectl([
      '-n',
      namespace.name,
      'get',
      'events',
      '--field-selector=involvedObject.kind=PetStore,involvedObject.name=shop,reason=RolledBack',
      '-o',
      'jsonpath={range .items[*]}{.type} {.message}{"\\n"}{end}',
    ]);
    expect(events).toMatch(new RegExp(`^Warning release ${broken.replaceAll(/[.:/]/g, '\\$&')} failed`, 'm'));

    // The last healthy release serves again: Ready, with the reason saying what happened.
    await kubectl(['-n', namespace.name, 'wait', '--for=condition=Ready', 'petstore/shop', '--timeout=120s']);
    expect(condition(await petStore(), 'Ready')?.reason).toBe('RolledBack');
  }, 300_000);

  it('does not loop: the broken release is not tried again while the spec stays', async () => {
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(await deploymentImage()).toBe(good());
    const events = await kubectl([
      '-n',
      namespace.name,
      'get',
      'events',
      '--field-selector=involvedObject.kind=PetStore,involvedObject.name=shop,reason=RolledBack',
      '-o',
      'name',
    ]);
    expect(events.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('rolls forward on the next spec change', async () => {
    await apply(undefined);
    await waitFor(
      async () => {
        const state = await petStore();
        return condition(state, 'Degraded')?.status === 'False' &&
          condition(state, 'Ready')?.status === 'True' &&
          state.status?.observedGeneration === state.metadata.generation
          ? state
          : undefined;
      },
      120_000,
      'the PetStore to be Ready on the spec again',
      1_000,
    );
    expect((await petStore()).status?.release?.rolledBack).toBeUndefined();
    expect(await deploymentImage()).toBe(good());
  }, 180_000);
});
