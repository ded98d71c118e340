import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { PetStore } from '../../api/v1alpha1/petstore.ts';
import type { BuildInputs } from '../../spec/build-inputs.ts';
import { childMetadata, labels } from '../metadata.ts';
import { parseQuantity } from '../quantity.ts';
import { podMatchers, recorded, scrapeMatchers } from './queries.ts';

/** The label (and value) the Grafana dashboard sidecar (kube-prometheus-stack, grafana chart) looks for. */
export const dashboardLabel = { grafana_dashboard: '1' } as const;
/** The folder annotation the sidecar reads when its folderAnnotation is set to it. */
export const dashboardFolderAnnotation = 'grafana_folder';

export interface DashboardPanel {
  id: number;
  type: 'timeseries' | 'table';
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: 'prometheus'; uid: '${datasource}' };
  targets: { refId: string; expr: string; legendFormat: string; instant?: boolean }[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: [] };
}

export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: Record<string, unknown>[] };
  panels: DashboardPanel[];
}

export function dashboardName(petStore: PetStore): string {
  return `${petStore.metadata.name}-dashboard`;
}

/** The dashboard's file name in the ConfigMap (the sidecar writes each key to a file). */
export function dashboardKey(petStore: PetStore): string {
  return `petstore-${petStore.metadata.namespace}-${petStore.metadata.name}.json`;
}

/**
 * The PetStore's Grafana dashboard: the RED metrics (from the same recording rules the alerts use), saturation (CPU and
 * memory against the limits, in-flight requests, database pool), restarts and the PetStore's conditions as the operator
 * exports them.
 */
export function buildDashboard({ petStore, spec }: BuildInputs): Dashboard {
  const { namespace, name } = petStore.metadata;
  const m = scrapeMatchers(petStore);
  const { alerts } = spec.monitoring;
  const cpuLimit = parseQuantity(spec.resources.limits.cpu ?? '0');
  const memoryLimit = parseQuantity(spec.resources.limits.memory ?? '0');
  const panels: Omit<DashboardPanel, 'id' | 'gridPos' | 'datasource'>[] = [
    timeseries('Request rate', 'Requests per second (probes and scrapes excluded).', 'reqps', [
      [`${recorded.requestRate}{${m}}`, 'all'],
      [`sum by (status_code) (rate(http_requests_total{${m}}[5m]))`, '{{status_code}}'],
    ]),
    timeseries(
      'Error ratio',
      `Share of requests answered 5xx; PetStoreHighErrorRate fires above ${alerts.errorRatePercent}%.`,
      'percentunit',
      [[`${recorded.errorRatio}{${m}}`, '5xx ratio']],
      alerts.errorRatePercent / 100,
    ),
    timeseries(
      'Latency p95',
      `95th percentile of request duration; PetStoreHighLatency fires above ${alerts.latencyP95Milliseconds}ms.`,
      's',
      [
        [`${recorded.latencyP95}{${m}}`, 'p95'],
        [`histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${m}}[5m])))`, 'p50'],
      ],
      alerts.latencyP95Milliseconds / 1000,
    ),
    timeseries(
      'CPU of limit',
      `CPU per pod as a share of its limit (${spec.resources.limits.cpu}); PetStoreHighCPU fires above ${alerts.cpuPercent}%.`,
      'percentunit',
      [[`rate(process_cpu_seconds_total{${m}}[5m]) / ${cpuLimit}`, '{{pod}}']],
      alerts.cpuPercent / 100,
    ),
    timeseries(
      'Memory of limit',
      `Resident memory per pod as a share of its limit (${spec.resources.limits.memory}); PetStoreHighMemory fires above ${alerts.memoryPercent}%.`,
      'percentunit',
      [[`process_resident_memory_bytes{${m}} / ${memoryLimit}`, '{{pod}}']],
      alerts.memoryPercent / 100,
    ),
    timeseries('Saturation', 'Requests being served and database connections in use or awaited.', 'short', [
      [`sum(http_requests_in_flight{${m}})`, 'in flight'],
      [`sum by (state) (db_pool_connections{${m}})`, 'db {{state}}'],
      [`sum(db_pool_waiting_requests{${m}})`, 'db waiting'],
    ]),
    timeseries(
      'Container restarts (15m)',
      `Restarts of the API container per pod (kube-state-metrics); PetStorePodRestarts fires at ${alerts.podRestarts}.`,
      'short',
      [[`increase(kube_pod_container_status_restarts_total{${podMatchers(petStore)}}[15m])`, '{{pod}}']],
    ),
    {
      type: 'table',
      title: 'Conditions',
      description:
        'The PetStore status conditions, as the operator exports them (petstore_operator_petstore_condition).',
      targets: [
        {
          refId: 'A',
          expr: `max by (type, status) (petstore_operator_petstore_condition{petstore_namespace=${JSON.stringify(namespace)}, petstore=${JSON.stringify(name)}}) == 1`,
          legendFormat: '{{type}}',
          instant: true,
        },
      ],
      fieldConfig: { defaults: {}, overrides: [] },
    },
  ];
  return {
    uid: `petstore-${createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 16)}`,
    title: `PetStore ${namespace}/${name}`,
    tags: ['petstore'],
    schemaVersion: 39,
    time: { from: 'now-3h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source', hide: 0 }],
    },
    panels: panels.map((panel, index) => ({
      id: index + 1,
      gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
      datasource: { type: 'prometheus', uid: '${datasource}' },
      ...panel,
    })),
  };
}

/** The dashboard as the sidecar picks it up: a ConfigMap labelled grafana_dashboard=1 in the PetStore's namespace. */
export function buildDashboardConfigMap(inputs: BuildInputs): V1ConfigMap {
  const { petStore } = inputs;
  const dashboard = buildDashboard(inputs);
  const metadata = childMetadata(petStore, dashboardName(petStore), { [dashboardFolderAnnotation]: 'PetStores' });
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...metadata, labels: { ...labels(petStore), ...dashboardLabel } },
    data: { [dashboardKey(petStore)]: JSON.stringify(dashboard, null, 2) },
  };
}

function timeseries(
  title: string,
  description: string,
  unit: string,
  queries: [expr: string, legend: string][],
  threshold?: number,
): Omit<DashboardPanel, 'id' | 'gridPos' | 'datasource'> {
  return {
    type: 'timeseries',
    title,
    description,
    targets: queries.map(([expr, legendFormat], index) => ({
      refId: String.fromCharCode(65 + index),
      expr,
      legendFormat,
    })),
    fieldConfig: {
      defaults: {
        unit,
        ...(threshold === undefined
          ? {}
          : {
              custom: { thresholdsStyle: { mode: 'line' } },
              thresholds: {
                mode: 'absolute',
                steps: [
                  { color: 'green', value: null },
                  { color: 'red', value: threshold },
                ],
              },
            }),
      },
      overrides: [],
    },
  };
}
