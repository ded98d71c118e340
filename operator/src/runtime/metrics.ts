import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClientRequestObserver } from '../k8s/watch.ts';
import type { Informer } from './informer.ts';
import type { KubeObject } from './types.ts';
import type { WorkQueue, WorkqueueObserver } from './workqueue.ts';

/** controller-runtime's reconcile_time_seconds buckets (5 ms … 60 s). */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2,
  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
/** client-go workqueue buckets: 10^-8 … 10^3 seconds. */
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 10 ** (i - 8));
/** client-go rest_client_request_duration_seconds buckets. */
const REQUEST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

export const RECONCILE_RESULTS = ['success', 'error', 'requeue', 'requeue_after'] as const;
export type ReconcileResultLabel = (typeof RECONCILE_RESULTS)[number];

/**
 * Every metric the runtime exports, in one prom-client registry per manager (two managers in one process, as in the
 * leader-election tests, do not collide). Names and labels are controller-runtime's, so its dashboards work.
 */
export class RuntimeMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly leaderElectionMasterStatus: Gauge<'name'>;
  readonly restClientRequests: Counter<'code' | 'method' | 'host'>;
  readonly restClientRequestDuration: Histogram<'verb' | 'host'>;
  readonly watchRestarts: Counter<'kind' | 'reason'>;
  readonly #workqueue: {
    depth: Gauge<'name' | 'controller' | 'priority'>;
    adds: Counter<'name' | 'controller'>;
    queueDuration: Histogram<'name' | 'controller'>;
    workDuration: Histogram<'name' | 'controller'>;
    retries: Counter<'name' | 'controller'>;
  };
  readonly #queues = new Map<string, WorkQueue>();
  readonly #informers: Informer<KubeObject>[] = [];

  constructor(registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    collectDefaultMetrics({ register: registry });
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.leaderElectionMasterStatus = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
      labelNames: ['name'],
      registers,
    });
    this.restClientRequests = new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, and host.',
      labelNames: ['code', 'method', 'host'],
      registers,
    });
    this.restClientRequestDuration = new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency in seconds. Broken down by verb and host.',
      labelNames: ['verb', 'host'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.watchRestarts = new Counter({
      name: 'petstore_operator_watch_restarts_total',
      help: 'Watches that ended and were restarted, by kind and reason (closed, expired, idle, error).',
      labelNames: ['kind', 'reason'],
      registers,
    });
    const wq = ['name', 'controller'] as const;
    this.#workqueue = {
      depth: new Gauge({
        name: 'workqueue_depth',
        help: 'Current depth of workqueue',
        labelNames: [...wq, 'priority'],
        registers,
      }),
      adds: new Counter({
        name: 'workqueue_adds_total',
        help: 'Total number of adds handled by workqueue',
        labelNames: wq,
        registers,
      }),
      queueDuration: new Histogram({
        name: 'workqueue_queue_duration_seconds',
        help: 'How long in seconds an item stays in workqueue before being requested',
        labelNames: wq,
        buckets: WORKQUEUE_BUCKETS,
        registers,
      }),
      workDuration: new Histogram({
        name: 'workqueue_work_duration_seconds',
        help: 'How long in seconds processing an item from workqueue takes.',
        labelNames: wq,
        buckets: WORKQUEUE_BUCKETS,
        registers,
      }),
      retries: new Counter({
        name: 'workqueue_retries_total',
        help: 'Total number of retries handled by workqueue',
        labelNames: wq,
        registers,
      }),
    };
    const queues = this.#queues;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
        'Large values indicate stuck threads.',
      labelNames: wq,
      registers,
      collect() {
        for (const [name, queue] of queues) {
          this.set(
            { name, controller: name },
            queue.inFlightSeconds().reduce((sum, s) => sum + s, 0),
          );
        }
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames: wq,
      registers,
      collect() {
        for (const [name, queue] of queues)
          this.set({ name, controller: name }, Math.max(0, ...queue.inFlightSeconds()));
      },
    });
    const informers = this.#informers;
    new Gauge({
      name: 'petstore_operator_watch_last_event_age_seconds',
      help: 'Seconds since the watch of a kind last delivered anything (event, bookmark or list); the watchdog restarts it past its idle bound.',
      labelNames: ['kind', 'namespace'],
      registers,
      collect() {
        const now = performance.now();
        for (const informer of informers) {
          for (const watch of informer.watchHealth()) {
            if (Number.isNaN(watch.lastEventAt)) continue;
            this.set({ kind: informer.spec.kind, namespace: watch.namespace ?? '' }, (now - watch.lastEventAt) / 1000);
          }
        }
      },
    });
  }

  /** Records one API request (call it for every request the operator makes: rest_client_requests_total). */
  readonly observeClientRequest: ClientRequestObserver = (request) => {
    this.restClientRequests.inc({ code: request.code, method: request.method, host: request.host });
    this.restClientRequestDuration.observe({ verb: request.method, host: request.host }, request.durationSeconds);
  };

  /** The observer a controller's queue reports to (workqueue_* series labelled name=controller=`name`). */
  workqueueObserver(name: string): WorkqueueObserver {
    const labels = { name, controller: name };
    const wq = this.#workqueue;
    wq.adds.inc(labels, 0);
    wq.retries.inc(labels, 0);
    return {
      onAdd: () => wq.adds.inc(labels),
      onDepthChange: (priority, delta) => wq.depth.inc({ ...labels, priority: String(priority) }, delta),
      onGet: (seconds) => wq.queueDuration.observe(labels, seconds),
      onDone: (seconds) => wq.workDuration.observe(labels, seconds),
      onRetry: () => wq.retries.inc(labels),
    };
  }

  /** Makes a queue's in-flight work visible to workqueue_unfinished_work_seconds and longest_running_processor. */
  registerQueue(name: string, queue: WorkQueue): void {
    this.#queues.set(name, queue);
  }

  /** Makes an informer's watches visible to petstore_operator_watch_last_event_age_seconds. */
  registerInformer(informer: Informer<KubeObject>): void {
    this.#informers.push(informer);
  }

  /** Zeroes a controller's series so dashboards show them before the first reconcile, as controller-runtime does. */
  initController(controller: string, concurrency: number): void {
    for (const result of RECONCILE_RESULTS) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    this.terminalReconcileErrors.inc({ controller }, 0);
    this.activeWorkers.set({ controller }, 0);
    this.maxConcurrentReconciles.set({ controller }, concurrency);
  }
}
