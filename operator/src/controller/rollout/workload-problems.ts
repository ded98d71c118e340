// Why a PetStore's pods cannot exist or cannot run, read from the Deployment's ReplicaFailure condition and the pods'
// own statuses, so Ready's reason names the cause instead of "0 of 1 pods updated".
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';

export const WorkloadReason = {
  /** The namespace's ResourceQuota refused the pods. */
  QuotaExceeded: 'QuotaExceeded',
  /** The pods' ServiceAccount does not exist. */
  ServiceAccountNotFound: 'ServiceAccountNotFound',
  /** Pod Security admission or an admission webhook refused the pods. */
  PodsForbidden: 'PodsForbidden',
  /** Any other reason the ReplicaSet could not create pods. */
  ReplicaFailure: 'ReplicaFailure',
  ImagePullFailed: 'ImagePullFailed',
  CrashLoopBackOff: 'CrashLoopBackOff',
  ContainerConfigError: 'ContainerConfigError',
  Unschedulable: 'Unschedulable',
} as const;
export type WorkloadReason = (typeof WorkloadReason)[keyof typeof WorkloadReason];

export interface WorkloadProblem {
  reason: WorkloadReason;
  message: string;
}

/** Messages from the API server and kubelet are kept, cut to a length a condition can show. */
const maxDetail = 400;
const imagePullReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const configReasons = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The Deployment's ReplicaFailure condition (copied from its new ReplicaSet) as a problem naming the cause. */
export function replicaFailure(deployment: V1Deployment | undefined): WorkloadProblem | undefined {
  const condition = deployment?.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (!condition) return undefined;
  const detail = cut(condition.message ?? condition.reason ?? 'the ReplicaSet could not create pods');
  const quota = /exceeded quota: ([^,\s]+)/.exec(detail);
  if (quota) {
    return {
      reason: WorkloadReason.QuotaExceeded,
      message: `pods cannot be created: ResourceQuota ${quota[1]} is exhausted in this namespace (${detail})`,
    };
  }
  const serviceAccount = /serviceaccount "([^"]+)" not found/i.exec(detail);
  if (serviceAccount) {
    return {
      reason: WorkloadReason.ServiceAccountNotFound,
      message: `pods cannot be created: ServiceAccount ${serviceAccount[1]} does not exist (${detail})`,
    };
  }
  if (/violates PodSecurity|admission webhook .* denied|is forbidden/.test(detail)) {
    return {
      reason: WorkloadReason.PodsForbidden,
      message: `pods cannot be created: admission refused them (${detail})`,
    };
  }
  return { reason: WorkloadReason.ReplicaFailure, message: `pods cannot be created: ${detail}` };
}

/**
 * The first thing wrong with the pods that exist, most specific first: image pulls, crash loops, container
 * configuration, then scheduling. Pods being deleted are ignored (they are on their way out).
 */
export function podProblem(pods: readonly V1Pod[]): WorkloadProblem | undefined {
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  const found: WorkloadProblem[] = [];
  for (const pod of live) {
    const podName = pod.metadata?.name ?? '?';
    for (const container of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const problem = containerProblem(podName, container);
      if (problem) found.push(problem);
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
      found.push({
        reason: WorkloadReason.Unschedulable,
        message: `pod ${podName} cannot be scheduled: ${cut(scheduled.message ?? 'no node fits')}`,
      });
    }
  }
  const order: WorkloadReason[] = [
    WorkloadReason.ImagePullFailed,
    WorkloadReason.CrashLoopBackOff,
    WorkloadReason.ContainerConfigError,
    WorkloadReason.Unschedulable,
  ];
  return found.sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason))[0];
}

/** What keeps the workload from running: pods that cannot be created first, then what is wrong with those that exist. */
export function workloadProblem(
  deployment: V1Deployment | undefined,
  pods: readonly V1Pod[],
): WorkloadProblem | undefined {
  return replicaFailure(deployment) ?? podProblem(pods);
}

function containerProblem(podName: string, container: V1ContainerStatus): WorkloadProblem | undefined {
  const waiting = container.state?.waiting;
  if (!waiting?.reason) return undefined;
  if (imagePullReasons.has(waiting.reason)) {
    return {
      reason: WorkloadReason.ImagePullFailed,
      message:
        `pod ${podName} cannot pull image ${container.image} (${waiting.reason})` +
        (waiting.message ? `: ${cut(waiting.message)}` : ''),
    };
  }
  if (waiting.reason === 'CrashLoopBackOff') {
    // Only the exit code and the kubelet's reason: the termination message is the application's text.
    const last = container.lastState?.terminated;
    const exit = last ? `; last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : '';
    return {
      reason: WorkloadReason.CrashLoopBackOff,
      message: `container ${container.name} of pod ${podName} keeps crashing: restarted ${container.restartCount} times${exit}`,
    };
  }
  if (configReasons.has(waiting.reason)) {
    return {
      reason: WorkloadReason.ContainerConfigError,
      message:
        `container ${container.name} of pod ${podName} cannot start (${waiting.reason})` +
        (waiting.message ? `: ${cut(waiting.message)}` : ''),
    };
  }
  return undefined;
}

function cut(text: string): string {
  return text.length > maxDetail ? `${text.slice(0, maxDetail - 1)}…` : text;
}
