import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { required } from './required.ts';
import { childMetadata, childNames } from './metadata.ts';

/** Precondition: spec.autoscaling is set (never for SQLite, which runs one pod). */
export function wantsHorizontalPodAutoscaler({ spec }: BuildInputs): boolean {
  return spec.autoscaling !== undefined;
}

/** CPU autoscaling per the seeds: up 2 pods per 60 s, down 1 pod per 300 s after the stabilization window. */
export function buildHorizontalPodAutoscaler({ petStore, spec }: BuildInputs): V2HorizontalPodAutoscaler {
  const autoscaling = required(spec.autoscaling, 'spec.autoscaling');
  const names = childNames(petStore);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMetadata(petStore, names.horizontalPodAutoscaler),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.deployment },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage },
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
          stabilizationWindowSeconds: autoscaling.scaleDownStabilizationWindowSeconds,
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
        },
      },
    },
  };
}
