import type { KubernetesObject, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import { buildConfigMap } from '../builders/config-map.ts';
import { buildDeployment } from '../builders/deployment.ts';
import { buildHorizontalPodAutoscaler } from '../builders/horizontal-pod-autoscaler.ts';
import { buildIngress } from '../builders/ingress.ts';
import { childNames } from '../builders/metadata.ts';
import { buildNetworkPolicy } from '../builders/network-policy.ts';
import { buildPodDisruptionBudget } from '../builders/pod-disruption-budget.ts';
import { buildSecret } from '../builders/secret.ts';
import { buildService } from '../builders/service.ts';
import { buildServiceAccount } from '../builders/service-account.ts';
import { configChecksum } from '../builders/checksum.ts';
import { kinds, type ResourceKind } from '../k8s/kinds.ts';
import type { DatabaseConnection } from './database-connection.ts';
import type { ResolvedSpec } from './resolved-spec.ts';

/** What the builders need besides the PetStore: its resolved spec and the database it uses. */
export interface BuildInputs {
  petStore: PetStore;
  spec: ResolvedSpec;
  connection: DatabaseConnection;
  /** The image the Deployment runs in this pass (the migration decides); undefined: no Deployment yet. */
  deployImage: string | undefined;
}

/** One child kind of a PetStore: where it lives, its name, and its desired state (undefined: the child must not exist). */
export interface Dependent {
  kind: ResourceKind;
  /** The workload waits for the migration; prerequisites (what the migration Job mounts) come before it. */
  stage: 'prerequisite' | 'workload';
  name(petStore: PetStore): string;
  desired(inputs: BuildInputs): KubernetesObject | undefined;
}

const configMapOf = (inputs: BuildInputs): V1ConfigMap => buildConfigMap(inputs.petStore, inputs.spec);
const secretOf = (inputs: BuildInputs): V1Secret => buildSecret(inputs.petStore, inputs.connection);

/**
 * A PetStore's children in apply order: identity and configuration first, the NetworkPolicy before any pod exists,
 * the Deployment after what it mounts. Adding a child = one builder, one entry here, and RBAC verbs (a test checks).
 */
export const dependents: readonly Dependent[] = [
  {
    kind: kinds.ServiceAccount,
    stage: 'prerequisite',
    name: (p) => childNames(p).serviceAccount,
    desired: (i) => buildServiceAccount(i.petStore, i.spec),
  },
  { kind: kinds.ConfigMap, stage: 'prerequisite', name: (p) => childNames(p).configMap, desired: configMapOf },
  { kind: kinds.Secret, stage: 'prerequisite', name: (p) => childNames(p).secret, desired: secretOf },
  {
    kind: kinds.NetworkPolicy,
    stage: 'prerequisite',
    name: (p) => childNames(p).networkPolicy,
    desired: (i) => buildNetworkPolicy(i.petStore, i.spec),
  },
  {
    kind: kinds.Service,
    stage: 'prerequisite',
    name: (p) => childNames(p).service,
    desired: (i) => buildService(i.petStore),
  },
  {
    kind: kinds.Deployment,
    stage: 'workload',
    name: (p) => childNames(p).deployment,
    desired: (i) =>
      i.deployImage === undefined
        ? undefined
        : buildDeployment(
            i.petStore,
            { ...i.spec, image: i.deployImage },
            { configChecksum: configChecksum(configMapOf(i), secretOf(i)) },
          ),
  },
  {
    kind: kinds.HorizontalPodAutoscaler,
    stage: 'workload',
    name: (p) => childNames(p).horizontalPodAutoscaler,
    desired: (i) => buildHorizontalPodAutoscaler(i.petStore, i.spec),
  },
  {
    kind: kinds.PodDisruptionBudget,
    stage: 'workload',
    name: (p) => childNames(p).podDisruptionBudget,
    desired: (i) => buildPodDisruptionBudget(i.petStore, i.spec),
  },
  {
    kind: kinds.Ingress,
    stage: 'workload',
    name: (p) => childNames(p).ingress,
    desired: (i) => buildIngress(i.petStore, i.spec),
  },
];
