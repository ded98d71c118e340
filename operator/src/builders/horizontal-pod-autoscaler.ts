import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { PetStore } from '../api/v1alpha1/petstore.ts';
import type { ResolvedSpec } from '../controller/resolved-spec.ts';
import { childMetadata, childNames } from './metadata.ts';

/** CPU autoscaling per the seeds: up 2 pods per 60 s, down 1 pod per 300 s. Undefined when autoscaling is off. */
export function buildHorizontalPodAutoscaler(
  petStore: PetStore,
  spec: ResolvedSpec,
): V2HorizontalPodAutoscaler | undefined {
  if (!spec.autoscaling) return undefined;
  const names = childNames(petStore);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMetadata(petStore, names.horizontalPodAutoscaler),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.deployment },
      minReplicas: spec.autoscaling.minReplicas,
      maxReplicas: spec.autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: spec.autoscaling.targetCPUUtilizationPercentage },
          },
        },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 60,
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: 300,
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
        },
      },
    },
  };
}
