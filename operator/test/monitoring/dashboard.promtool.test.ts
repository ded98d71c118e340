// Every query of the PetStore dashboard parsed by the real promtool (each as a recording rule of a throwaway group),
// and evaluated over synthetic series so a query that parses but selects nothing is caught too.
import { describe, expect, it } from '@jest/globals';
import type { PetStore } from '../../src/api/v1alpha1/petstore.ts';
import { buildDashboard } from '../../src/builders/monitoring/grafana-dashboard.ts';
import { buildPrometheusRule } from '../../src/builders/monitoring/prometheus-rule.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';
import { sqliteConnection } from '../../src/spec/database-connection.ts';
import { checkRules, testRules } from '../../../test/monitoring/promtool.ts';

const petStore: PetStore = {
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name: 'shop', namespace: 'pets', uid: 'uid-shop' },
  spec: { database: { engine: 'external', external: { secretName: 'db' } } },
};
const spec = resolveSpec(petStore, builtinDefaults);
const dashboard = buildDashboard({ petStore: petStore, spec: spec, connection: sqliteConnection });
const queries = dashboard.panels.flatMap((panel) =>
  panel.targets.map((target) => ({ panel: panel.title, refId: target.refId, expr: target.expr })),
);
const asRecords = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));

describe('the PetStore dashboard', () => {
  it('has queries that promtool parses', () => {
    const result = checkRules([{ name: 'dashboard', rules: asRecords }]);
    expect(result.status === 0 ? 'OK' : result.output).toBe('OK');
  });

  it('has queries that each return data from the metrics the API, kube-state-metrics and the operator export', () => {
    const scrape = 'namespace="pets", job="shop", instance="10.0.1.5:8080", pod="shop-7d9c8b5f4-abcde"';
    const route = 'method="GET", route="/api/v1/pets"';
    const series = [
      { series: `http_requests_total{${scrape}, ${route}, status_code="200"}`, values: '0+60x20' },
      { series: `http_requests_total{${scrape}, ${route}, status_code="500"}`, values: '0+1x20' },
      ...['0.1', '0.5', '+Inf'].map((le) => ({
        series: `http_request_duration_seconds_bucket{${scrape}, ${route}, status_code="200", le="${le}"}`,
        values: '0+60x20',
      })),
      { series: `process_cpu_seconds_total{${scrape}}`, values: '0+6x20' },
      { series: `process_resident_memory_bytes{${scrape}}`, values: '100000000x20' },
      { series: `http_requests_in_flight{${scrape}}`, values: '2x20' },
      { series: `db_pool_connections{${scrape}, state="idle"}`, values: '5x20' },
      { series: `db_pool_waiting_requests{${scrape}}`, values: '0x20' },
      {
        series:
          'kube_pod_container_status_restarts_total{namespace="pets", pod="shop-7d9c8b5f4-abcde", container="api"}',
        values: '0x20',
      },
      {
        series:
          'petstore_operator_petstore_condition{namespace="petstore-system", job="petstore-operator-metrics", petstore_namespace="pets", petstore="shop", type="Ready", status="True"}',
        values: '1x20',
      },
    ];
    const rules = buildPrometheusRule({ petStore: petStore, spec: spec, connection: sqliteConnection }).spec.groups;
    const result = testRules(
      [...rules, { name: 'dashboard', rules: asRecords }],
      [
        {
          name: 'every dashboard query has data',
          interval: '1m',
          input_series: series,
          // count() of a query is absent when the query is empty; each must count at least one series.
          promql_expr_test: asRecords.map((record) => ({
            expr: `count(${record.record}) > bool 0`,
            eval_time: '15m',
            exp_samples: [{ labels: '{}', value: 1 }],
          })),
        },
      ],
    );
    expect(result.status === 0 ? 'OK' : result.output).toBe('OK');
  });

  it('names every query in the report when one fails to parse', () => {
    // The harness itself: a broken query makes promtool fail and say which.
    const result = checkRules([{ name: 'dashboard', rules: [{ record: 'dashboard:broken', expr: 'rate(x[5m]' }] }]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('dashboard:broken');
  });
});
