import { describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { PetStore, PetStoreSpec } from '../../api/v1alpha1/petstore.ts';
import { builtinDefaults } from '../../spec/operator-defaults.ts';
import { resolveSpec } from '../../spec/resolved-spec.ts';
import { buildDashboard, buildDashboardConfigMap, dashboardKey } from './grafana-dashboard.ts';
import { buildPrometheusRule, petStoreAlerts } from './prometheus-rule.ts';
import { buildServiceMonitor } from './service-monitor.ts';
import { wantsMonitoring } from './wants-monitoring.ts';
import type { BuildInputs } from '../../spec/build-inputs.ts';
import { sqliteConnection } from '../../spec/database-connection.ts';

const petStore = (spec: PetStoreSpec = {}, name = 'shop', namespace = 'pets'): PetStore => ({
  apiVersion: 'petstore.example.com/v1alpha1',
  kind: 'PetStore',
  metadata: { name, namespace, uid: `uid-${name}` },
  spec,
});
type Builder = (inputs: BuildInputs) => KubernetesObject;
const builders: [string, Builder][] = [
  ['ServiceMonitor', buildServiceMonitor],
  ['PrometheusRule', buildPrometheusRule],
  ['dashboard ConfigMap', buildDashboardConfigMap],
];
const inputsOf = (store: PetStore, served = true): BuildInputs => ({
  petStore: store,
  spec: resolveSpec(store, { ...builtinDefaults, monitoringServed: served }),
  connection: sqliteConnection,
});
const build = <T>(builder: (inputs: BuildInputs) => T, store: PetStore): T => builder(inputsOf(store));

const alertExpr = (store: PetStore, alert: string) =>
  build(buildPrometheusRule, store)
    .spec.groups.flatMap((g) => g.rules)
    .find((r) => r.alert === alert)!.expr;

describe('monitoring builders', () => {
  it('are wanted when the cluster serves the Prometheus Operator kinds and the spec does not turn them off', () => {
    expect(wantsMonitoring(inputsOf(petStore()))).toBe(true);
    expect(wantsMonitoring(inputsOf(petStore({ monitoring: { enabled: true } })))).toBe(true);
    expect(wantsMonitoring(inputsOf(petStore({ monitoring: { enabled: false } })))).toBe(false);
    expect(wantsMonitoring(inputsOf(petStore(), false))).toBe(false);
    expect(wantsMonitoring(inputsOf(petStore({ monitoring: { enabled: true } }), false))).toBe(false);
  });

  it.each(builders)('%s: owned by the PetStore, in its namespace, with the managed-by label', (_, builder) => {
    const object = build(builder, petStore());
    expect(object.metadata?.namespace).toBe('pets');
    expect(object.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'PetStore', name: 'shop', controller: true }),
    ]);
    expect(object.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'petstore-operator' });
  });

  it('the ServiceMonitor scrapes /metrics of the PetStore’s Service in its own namespace only', () => {
    expect(build(buildServiceMonitor, petStore()).spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'petstore', 'app.kubernetes.io/instance': 'shop' } },
      namespaceSelector: { matchNames: ['pets'] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http' }],
    });
  });

  it('the PrometheusRule has the five alerts of the requirements, each with severity, runbook and the PetStore’s name', () => {
    const rule = build(buildPrometheusRule, petStore());
    const alerts = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.map((a) => a.alert)).toEqual(Object.keys(petStoreAlerts));
    for (const alert of alerts) {
      expect(alert.labels).toEqual({ severity: expect.stringMatching(/^(critical|warning)$/), petstore: 'shop' });
      expect(alert.annotations?.summary).toContain('PetStore pets/shop');
      expect(alert.annotations?.description).toContain('PetStore pets/shop');
      expect(alert.annotations?.runbook_url).toBe(`${builtinDefaults.runbookUrl}#${alert.alert!.toLowerCase()}`);
    }
    expect(
      rule.spec.groups
        .flatMap((g) => g.rules)
        .filter((r) => r.record)
        .map((r) => r.record),
    ).toEqual([
      'petstore:http_requests:rate5m',
      'petstore:http_request_errors:ratio_rate5m',
      'petstore:http_request_duration_seconds:p95_5m',
    ]);
  });

  it.each([
    ['the requirements’ defaults', {}, ['> 0.01', '> 0.5', '/ 0.5 > 0.85', '/ 536870912 > 0.85', '>= 1']],
    [
      'spec.monitoring.alerts overrides',
      {
        monitoring: {
          alerts: {
            errorRatePercent: 2.5,
            latencyP95Milliseconds: 250,
            cpuPercent: 90,
            memoryPercent: 70,
            podRestarts: 3,
          },
        },
      },
      ['> 0.025', '> 0.25', '/ 0.5 > 0.9', '/ 536870912 > 0.7', '>= 3'],
    ],
    [
      'the container limits of spec.resources',
      { resources: { limits: { cpu: '1500m', memory: '1Gi' } } },
      ['> 0.01', '> 0.5', '/ 1.5 > 0.85', '/ 1073741824 > 0.85', '>= 1'],
    ],
  ] as const)('thresholds come from %s', (_, spec, expected) => {
    const store = petStore(spec);
    const exprs = Object.keys(petStoreAlerts).map((alert) => alertExpr(store, alert));
    exprs.forEach((expr, i) => expect(expr.endsWith(expected[i]!)).toBe(true));
  });

  it('selects only the PetStore’s own series, so two PetStores never share an alert', () => {
    const shop = petStore({}, 'shop');
    expect(alertExpr(shop, 'PetStoreHighErrorRate')).toContain('{namespace="pets", job="shop"}');
    expect(alertExpr(shop, 'PetStorePodRestarts')).toContain('pod=~"shop-[a-z0-9]{1,10}-[a-z0-9]{5}"');
    // A dot in a name is a literal dot in the pod pattern, not "any character".
    expect(alertExpr(petStore({}, 'shop.eu'), 'PetStorePodRestarts')).toContain('pod=~"shop\\\\.eu-');
  });

  it('the dashboard ConfigMap carries the Grafana sidecar label and one JSON dashboard', () => {
    const store = petStore();
    const configMap = build(buildDashboardConfigMap, store);
    expect(configMap.metadata?.name).toBe('shop-dashboard');
    expect(configMap.metadata?.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(Object.keys(configMap.data ?? {})).toEqual([dashboardKey(store)]);
    expect(JSON.parse(configMap.data![dashboardKey(store)]!)).toEqual(build(buildDashboard, store));
  });

  it('the dashboard shows RED, saturation, restarts and conditions, with a stable uid per PetStore', () => {
    const dashboard = build(buildDashboard, petStore());
    expect(dashboard.title).toBe('PetStore pets/shop');
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Request rate',
      'Error ratio',
      'Latency p95',
      'CPU of limit',
      'Memory of limit',
      'Saturation',
      'Container restarts (15m)',
      'Conditions',
    ]);
    expect(dashboard.uid).toMatch(/^petstore-[0-9a-f]{16}$/);
    expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    expect(build(buildDashboard, petStore({}, 'shop', 'other')).uid).not.toBe(dashboard.uid);
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(
      exprs.some((e) => e.startsWith('petstore:http_request_errors:ratio_rate5m{namespace="pets", job="shop"}')),
    ).toBe(true);
  });

  it('draws the alert thresholds of the spec on the dashboard', () => {
    const dashboard = build(buildDashboard, petStore({ monitoring: { alerts: { errorRatePercent: 3 } } }));
    const errorPanel = dashboard.panels.find((p) => p.title === 'Error ratio')!;
    expect(JSON.stringify(errorPanel.fieldConfig)).toContain('"value":0.03');
  });
});
