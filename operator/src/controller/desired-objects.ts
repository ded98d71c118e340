import type { KubernetesObject } from '@kubernetes/client-node';
import type { BuildInputs, NamespaceInputs } from '../spec/build-inputs.ts';
import { isWait, type Dependent } from './dependent.ts';
import { dependents } from './dependents.ts';

/**
 * Every object the workflow wants once everything is ready (the migration succeeded), in declared order: a pure view
 * of the declared list for golden files, benchmarks and tests. The namespace's shared objects come from `namespace`.
 */
export function desiredObjects(
  inputs: BuildInputs,
  namespace: NamespaceInputs,
  workflow: readonly Dependent[] = dependents,
): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const dependent of workflow) {
    if (dependent.policy === 'external') continue;
    if (dependent.policy === 'shared') {
      if (dependent.when(namespace)) objects.push(dependent.desired(namespace));
      continue;
    }
    if (dependent.when && !dependent.when(inputs)) continue;
    const desired = dependent.desired(inputs, { live: undefined, observation: () => ({ phase: 'Ready' }) });
    if (!isWait(desired)) objects.push(desired);
  }
  return objects;
}
