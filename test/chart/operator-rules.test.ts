// The chart's PrometheusRule for the operator itself, rendered by real helm, checked and unit-tested by real promtool,
// and held against the metric names the operator really exports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { builtinDefaults } from '../../operator/src/spec/operator-defaults.ts';
import { awsRequestsMetric } from '../../operator/src/database/rds/aws-metrics.ts';
import { RuntimeMetrics } from '../../operator/src/runtime/metrics.ts';
import { checkRules, testRules, type RuleGroup, type RuleTest } from '../monitoring/promtool.ts';
import { only, renderChart, repoRoot, type Manifest } from './chart.ts';

const values = { metrics: { prometheusRule: { enabled: true } } };
const rendered = renderChart({ values, skipTests: true });
interface RenderedRule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
const rule = only(rendered, 'PrometheusRule') as Manifest & {
  spec: { groups: (RuleGroup & { rules: RenderedRule[] })[] };
};
const groups = rule.spec.groups;
const runbook = builtinDefaults.runbookUrl;

const sel = 'namespace="petstore-system", job="petstore-operator-metrics"';
const ok = (result: { status: number | null; output: string }) => (result.status === 0 ? 'OK' : result.output);

describe('the chart PrometheusRule for the operator', () => {
  it('is rendered only when metrics.prometheusRule.enabled', () => {
    expect(renderChart({ skipTests: true }).map((m) => m.kind)).not.toContain('PrometheusRule');
  });

  it('passes promtool check rules with every lint on', () => {
    expect(ok(checkRules(groups))).toBe('OK');
  });

  it('reads only metrics the operator exports', async () => {
    const metrics = new RuntimeMetrics();
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    exported.add(awsRequestsMetric.name);
    const used = new Set<string>();
    for (const entry of groups.flatMap((g) => g.rules)) {
      for (const [, name] of entry.expr.matchAll(/([a-z_:]+)(?:_bucket)?\{/g)) used.add(name!);
    }
    used.delete('up');
    expect([...used].filter((name) => !exported.has(name.replace(/_bucket$/, '')))).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });

  it('links sections of docs/runbook.md, at the URL the operator links by default', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs/runbook.md'), 'utf8');
    for (const entry of groups.flatMap((g) => g.rules)) {
      const url = entry.annotations.runbook_url!;
      expect(url.startsWith(`${runbook}#petstoreoperator`)).toBe(true);
      expect(doc).toContain(`<a id="${url.split('#')[1]}"></a>`);
    }
  });

  const test = (name: string, tests: Omit<RuleTest, 'name' | 'interval'>[]) =>
    it(name, () => {
      expect(
        ok(
          testRules(
            groups,
            tests.map((t, i) => ({ name: `${name} ${i}`, interval: '1m', ...t })),
          ),
        ),
      ).toBe('OK');
    });

  test('PetStoreOperatorDown: fires 5 minutes after the last scrape of a running operator, silent while one runs', [
    {
      input_series: [{ series: `up{${sel}, instance="10.0.0.7:8080"}`, values: '1x5 0x30' }],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'PetStoreOperatorDown', exp_alerts: [] },
        {
          eval_time: '15m',
          alertname: 'PetStoreOperatorDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: 'petstore-system' },
              exp_annotations: {
                summary: 'No petstore-operator replica is up',
                description:
                  'Prometheus has scraped no running operator in petstore-system for 5 minutes; PetStores are not reconciled.',
                runbook_url: `${runbook}#petstoreoperatordown`,
              },
            },
          ],
        },
      ],
    },
    {
      input_series: [
        { series: `up{${sel}, instance="10.0.0.7:8080"}`, values: '1x30' },
        { series: `up{${sel}, instance="10.0.0.8:8080"}`, values: '0x30' },
      ],
      alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreOperatorDown', exp_alerts: [] }],
    },
  ]);

  const leader = (a: string, b: string) => [
    { series: `leader_election_master_status{${sel}, instance="10.0.0.7:8080", name="petstore-operator"}`, values: a },
    { series: `leader_election_master_status{${sel}, instance="10.0.0.8:8080", name="petstore-operator"}`, values: b },
  ];
  test('PetStoreOperatorNoLeader: fires when no replica leads for 5 minutes, silent across a handover', [
    {
      input_series: leader('1x5 0x30', '0x30'),
      alert_rule_test: [
        { eval_time: '9m', alertname: 'PetStoreOperatorNoLeader', exp_alerts: [] },
        {
          eval_time: '12m',
          alertname: 'PetStoreOperatorNoLeader',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: 'petstore-system', job: 'petstore-operator-metrics' },
              exp_annotations: {
                summary: 'No petstore-operator replica holds the leader lease',
                description:
                  'The operator replicas in petstore-system run but none has led for 5 minutes: no PetStore is reconciled.',
                runbook_url: `${runbook}#petstoreoperatornoleader`,
              },
            },
          ],
        },
      ],
    },
    {
      // The lease moves to the other replica within two minutes.
      input_series: leader('1x5 0x30', '0x7 1x30'),
      alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreOperatorNoLeader', exp_alerts: [] }],
    },
  ]);

  const reconciles = (errorsPerMinute: number) => [
    {
      series: `controller_runtime_reconcile_total{${sel}, instance="10.0.0.7:8080", controller="petstore", result="success"}`,
      values: `0+${100 - errorsPerMinute}x40`,
    },
    {
      series: `controller_runtime_reconcile_total{${sel}, instance="10.0.0.7:8080", controller="petstore", result="error"}`,
      values: `0+${errorsPerMinute}x40`,
    },
    {
      series: `controller_runtime_reconcile_errors_total{${sel}, instance="10.0.0.7:8080", controller="petstore"}`,
      values: `0+${errorsPerMinute}x40`,
    },
  ];
  test('PetStoreOperatorReconcileErrors: fires above 10% of reconciles failing for 15 minutes, silent at 9%', [
    {
      input_series: reconciles(11),
      alert_rule_test: [
        { eval_time: '12m', alertname: 'PetStoreOperatorReconcileErrors', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'PetStoreOperatorReconcileErrors',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                namespace: 'petstore-system',
                job: 'petstore-operator-metrics',
                controller: 'petstore',
              },
              exp_annotations: {
                summary: 'petstore-operator reconciles keep failing',
                description:
                  '11% of the petstore reconciles failed over the last 15 minutes; kubectl get petstores -A -o wide shows which PetStores and why.',
                runbook_url: `${runbook}#petstoreoperatorreconcileerrors`,
              },
            },
          ],
        },
      ],
    },
    {
      input_series: reconciles(9),
      alert_rule_test: [{ eval_time: '30m', alertname: 'PetStoreOperatorReconcileErrors', exp_alerts: [] }],
    },
  ]);

  const depth = (values: string) => [
    { series: `workqueue_depth{${sel}, instance="10.0.0.7:8080", name="petstore", controller="petstore"}`, values },
  ];
  test('PetStoreOperatorWorkQueueDepth: fires above 100 waiting for 15 minutes, silent for a burst or at 100', [
    {
      input_series: depth('101x30'),
      alert_rule_test: [
        { eval_time: '14m', alertname: 'PetStoreOperatorWorkQueueDepth', exp_alerts: [] },
        {
          eval_time: '16m',
          alertname: 'PetStoreOperatorWorkQueueDepth',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                namespace: 'petstore-system',
                job: 'petstore-operator-metrics',
                name: 'petstore',
              },
              exp_annotations: {
                summary: 'petstore-operator falls behind',
                description: '101 PetStores have waited in the petstore work queue for 15 minutes.',
                runbook_url: `${runbook}#petstoreoperatorworkqueue`,
              },
            },
          ],
        },
      ],
    },
    {
      input_series: depth('100x30'),
      alert_rule_test: [{ eval_time: '25m', alertname: 'PetStoreOperatorWorkQueueDepth', exp_alerts: [] }],
    },
    // 1,000 PetStores at start-up drain within minutes.
    {
      input_series: depth('1000x10 0x30'),
      alert_rule_test: [{ eval_time: '25m', alertname: 'PetStoreOperatorWorkQueueDepth', exp_alerts: [] }],
    },
  ]);

  // workqueue buckets are powers of ten: 10 s, 100 s, 1000 s.
  const queueDuration = (under100: number, under1000: number) =>
    (
      [
        ['10', 0],
        ['100', under100],
        ['1000', under100 + under1000],
        ['+Inf', under100 + under1000],
      ] as const
    ).map(([le, perMinute]) => ({
      series: `workqueue_queue_duration_seconds_bucket{${sel}, instance="10.0.0.7:8080", name="petstore", controller="petstore", le="${le}"}`,
      values: `0+${perMinute}x40`,
    }));
  test('PetStoreOperatorWorkQueueLatency: fires when the p99 wait is above 60 s for 15 minutes', [
    {
      // p99 between 10 and 100 s: 10 + 90 * 0.99 = 99.1 s.
      input_series: queueDuration(100, 0),
      alert_rule_test: [
        {
          eval_time: '25m',
          alertname: 'PetStoreOperatorWorkQueueLatency',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                namespace: 'petstore-system',
                job: 'petstore-operator-metrics',
                name: 'petstore',
              },
              exp_annotations: {
                summary: 'PetStores wait long in the petstore-operator work queue',
                description: 'The 99th percentile of the time a PetStore waits in the petstore queue is 1m 39s.',
                runbook_url: `${runbook}#petstoreoperatorworkqueue`,
              },
            },
          ],
        },
      ],
    },
  ]);

  const aws = (operation: string, code: string, perMinute: number) => ({
    series: `petstore_operator_aws_requests_total{${sel}, instance="10.0.0.7:8080", service="rds", operation="${operation}", code="${code}"}`,
    values: `0+${perMinute}x40`,
  });
  test('PetStoreOperatorRDSErrors: fires on AWS errors for 15 minutes, never on the outcomes the operator expects', [
    {
      input_series: [aws('DescribeDBInstances', 'OK', 10), aws('DescribeDBInstances', 'AccessDenied', 1)],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'PetStoreOperatorRDSErrors', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'PetStoreOperatorRDSErrors',
          exp_alerts: [
            {
              exp_labels: {
                severity: 'warning',
                namespace: 'petstore-system',
                job: 'petstore-operator-metrics',
                operation: 'DescribeDBInstances',
                code: 'AccessDenied',
              },
              exp_annotations: {
                summary: "petstore-operator's AWS calls fail",
                description:
                  'DescribeDBInstances has failed with AccessDenied for 15 minutes; RDS PetStores cannot be created, changed or deleted.',
                runbook_url: `${runbook}#petstoreoperatorrdserrors`,
              },
            },
          ],
        },
      ],
    },
    {
      input_series: [
        aws('DescribeDBInstances', 'DBInstanceNotFound', 5),
        aws('CreateDBInstance', 'DBInstanceAlreadyExists', 1),
        aws('ModifyDBInstance', 'InvalidDBInstanceState', 1),
      ],
      alert_rule_test: [{ eval_time: '30m', alertname: 'PetStoreOperatorRDSErrors', exp_alerts: [] }],
    },
  ]);
});
