import { describe, expect, it } from '@jest/globals';
import { RuntimeMetrics } from './metrics.ts';
import { WorkQueue } from './workqueue.ts';

describe('RuntimeMetrics', () => {
  it("exports controller-runtime's series names and labels, so its dashboards work unchanged", async () => {
    const metrics = new RuntimeMetrics();
    metrics.initController('petstore', 2);
    const queue = new WorkQueue({ observer: metrics.workqueueObserver('petstore') });
    metrics.registerQueue('petstore', queue);
    queue.add('pets/shop');
    await queue.get();
    metrics.reconcileTotal.inc({ controller: 'petstore', result: 'success' });
    metrics.reconcileTime.observe({ controller: 'petstore' }, 0.02);
    metrics.leaderElectionMasterStatus.set({ name: 'petstore-operator' }, 1);
    metrics.observeClientRequest({ method: 'PATCH', host: '127.0.0.1:6443', code: '200', durationSeconds: 0.01 });

    const text = await metrics.registry.metrics();
    for (const line of [
      'controller_runtime_reconcile_total{controller="petstore",result="success"} 1',
      'controller_runtime_reconcile_total{controller="petstore",result="error"} 0',
      'controller_runtime_reconcile_total{controller="petstore",result="requeue"} 0',
      'controller_runtime_reconcile_total{controller="petstore",result="requeue_after"} 0',
      'controller_runtime_reconcile_errors_total{controller="petstore"} 0',
      'controller_runtime_terminal_reconcile_errors_total{controller="petstore"} 0',
      'controller_runtime_reconcile_time_seconds_count{controller="petstore"} 1',
      'controller_runtime_max_concurrent_reconciles{controller="petstore"} 2',
      'controller_runtime_active_workers{controller="petstore"} 0',
      'workqueue_adds_total{name="petstore",controller="petstore"} 1',
      'workqueue_depth{name="petstore",controller="petstore",priority="0"} 0',
      'workqueue_retries_total{name="petstore",controller="petstore"} 0',
      'workqueue_queue_duration_seconds_count{name="petstore",controller="petstore"} 1',
      'workqueue_longest_running_processor_seconds{name="petstore",controller="petstore"}',
      'workqueue_unfinished_work_seconds{name="petstore",controller="petstore"}',
      'leader_election_master_status{name="petstore-operator"} 1',
      'rest_client_requests_total{code="200",method="PATCH",host="127.0.0.1:6443"} 1',
      'rest_client_request_duration_seconds_count{verb="PATCH",host="127.0.0.1:6443"} 1',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(line);
    }
    await queue.shutdown();
  });

  it('lets two managers in one process keep separate registries', async () => {
    const a = new RuntimeMetrics();
    const b = new RuntimeMetrics();
    a.leaderElectionMasterStatus.set({ name: 'lease' }, 1);
    b.leaderElectionMasterStatus.set({ name: 'lease' }, 0);
    expect(await a.registry.metrics()).toContain('leader_election_master_status{name="lease"} 1');
    expect(await b.registry.metrics()).toContain('leader_election_master_status{name="lease"} 0');
  });
});
