// The PetStore PrometheusRule, exactly as the builder makes it, checked and unit-tested by the real promtool: each
// alert fires above its threshold, stays silent just under it, and waits for its `for:` duration.
import { describe, expect, it } from '@jest/globals';
import type { PetStore, PetStoreSpec } from '../../src/api/v1alpha1/petstore.ts';
import { buildPrometheusRule, type PrometheusRule } from '../../src/builders/monitoring/prometheus-rule.ts';
import { builtinDefaults } from '../../src/spec/operator-defaults.ts';
import { resolveSpec } from '../../src/spec/resolved-spec.ts';
import { sqliteConnection } from '../../src/spec/database-connection.ts';
import { checkRules, testRules, type RuleTest } from '../../../test/monitoring/promtool.ts';

const runbook = builtinDefaults.runbookUrl;

function petStore(spec: PetStoreSpec = {}, name = 'shop'): PetStore {
  return {
    apiVersion: 'petstore.example.com/v1alpha1',
    kind: 'PetStore',
    metadata: { name, namespace: 'pets', uid: `uid-${name}` },
    spec,
  };
}

function rule(spec: PetStoreSpec = {}, name = 'shop'): PrometheusRule {
  const store = petStore(spec, name);
  return buildPrometheusRule({
    petStore: store,
    spec: resolveSpec(store, builtinDefaults),
    connection: sqliteConnection,
  });
}

/** Runs promtool test rules and fails with promtool's own report. */
function expectPass(groups: PrometheusRule['spec']['groups'], tests: RuleTest[]): void {
  const result = testRules(groups, tests);
  expect(result.status === 0 ? 'SUCCESS' : result.output).toBe('SUCCESS');
}

const scrape = 'namespace="pets", job="shop", instance="10.0.1.5:8080", pod="shop-7d9c8b5f4-abcde"';
const requests = (status: string, perMinute: number, labels = scrape) => ({
  series: `http_requests_total{${labels}, method="GET", route="/api/v1/pets", status_code="${status}"}`,
  values: `0+${perMinute}x30`,
});
const buckets = (perMinute: Record<string, number>) =>
  Object.entries(perMinute).map(([le, rate]) => ({
    series: `http_request_duration_seconds_bucket{${scrape}, method="GET", route="/api/v1/pets", status_code="200", le="${le}"}`,
    values: `0+${rate}x30`,
  }));

describe('the PetStore PrometheusRule', () => {
  it('passes promtool check rules with every lint on', () => {
    const result = checkRules(rule().spec.groups);
    expect(result.status === 0 ? 'OK' : result.output).toBe('OK');
  });

  it('passes promtool check rules with overridden thresholds and odd limits', () => {
    const spec: PetStoreSpec = {
      monitoring: {
        alerts: {
          errorRatePercent: 0.05,
          latencyP95Milliseconds: 1,
          cpuPercent: 100,
          memoryPercent: 1,
          podRestarts: 7,
        },
      },
      resources: { limits: { cpu: '1500m', memory: '3Gi' } },
    };
    const result = checkRules(rule(spec, 'shop.eu').spec.groups);
    expect(result.status === 0 ? 'OK' : result.output).toBe('OK');
  });

  it('records request rate, error ratio and p95 latency per PetStore', () => {
    expectPass(rule().spec.groups, [
      {
        name: 'recording rules',
        interval: '1m',
        input_series: [
          requests('200', 90),
          requests('503', 30),
          // Another PetStore in the namespace is not counted.
          requests(
            '500',
            600,
            'namespace="pets", job="shop-eu", instance="10.0.1.6:8080", pod="shop-eu-6b7c9d8f5-xyzab"',
          ),
          ...buckets({ '0.1': 60, '0.25': 114, '0.5': 120, '+Inf': 120 }),
        ],
        promql_expr_test: [
          {
            expr: 'petstore:http_requests:rate5m',
            eval_time: '10m',
            exp_samples: [{ labels: 'petstore:http_requests:rate5m{namespace="pets", job="shop"}', value: 2 }],
          },
          {
            expr: 'petstore:http_request_errors:ratio_rate5m{job="shop"}',
            eval_time: '10m',
            exp_samples: [
              { labels: 'petstore:http_request_errors:ratio_rate5m{namespace="pets", job="shop"}', value: 0.25 },
            ],
          },
          {
            // rank 0.95 * 120 = 114: the top of the (0.1, 0.25] bucket.
            expr: 'petstore:http_request_duration_seconds:p95_5m',
            eval_time: '10m',
            exp_samples: [
              { labels: 'petstore:http_request_duration_seconds:p95_5m{namespace="pets", job="shop"}', value: 0.25 },
            ],
          },
        ],
      },
      {
        name: 'the error ratio is 0, not absent, while every request succeeds',
        interval: '1m',
        input_series: [requests('200', 60)],
        promql_expr_test: [
          {
            expr: 'petstore:http_request_errors:ratio_rate5m',
            eval_time: '10m',
            exp_samples: [
              { labels: 'petstore:http_request_errors:ratio_rate5m{namespace="pets", job="shop"}', value: 0 },
            ],
          },
        ],
      },
    ]);
  });

  const errorRateAlert = (percent: string, threshold = '1') => ({
    exp_labels: { severity: 'critical', petstore: 'shop', namespace: 'pets', job: 'shop' },
    exp_annotations: {
      summary: `PetStore pets/shop: more than ${threshold}% of requests fail`,
      description: `${percent} of the requests to PetStore pets/shop got a 5xx answer over the last 5 minutes (threshold ${threshold}%).`,
      runbook_url: `${runbook}#petstorehigherrorrate`,
    },
  });

  it('PetStoreHighErrorRate: fires above 1% after 5 minutes, silent at 0.9%', () => {
    expectPass(rule().spec.groups, [
      {
        name: 'above',
        interval: '1m',
        input_series: [requests('200', 989), requests('500', 11)],
        alert_rule_test: [
          { eval_time: '10m', alertname: 'PetStoreHighErrorRate', exp_alerts: [errorRateAlert('1.1%')] },
        ],
      },
      {
        name: 'just under',
        interval: '1m',
        input_series: [requests('200', 991), requests('500', 9)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreHighErrorRate', exp_alerts: [] }],
      },
    ]);
  });

  it('PetStoreHighErrorRate: follows spec.monitoring.alerts.errorRatePercent', () => {
    expectPass(rule({ monitoring: { alerts: { errorRatePercent: 5 } } }).spec.groups, [
      {
        name: '4% is under an override of 5%',
        interval: '1m',
        input_series: [requests('200', 96), requests('500', 4)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreHighErrorRate', exp_alerts: [] }],
      },
      {
        name: '6% is above it',
        interval: '1m',
        input_series: [requests('200', 94), requests('500', 6)],
        alert_rule_test: [
          { eval_time: '20m', alertname: 'PetStoreHighErrorRate', exp_alerts: [errorRateAlert('6%', '5')] },
        ],
      },
    ]);
  });

  const latencyAlert = (value: string) => ({
    exp_labels: { severity: 'warning', petstore: 'shop', namespace: 'pets', job: 'shop' },
    exp_annotations: {
      summary: 'PetStore pets/shop: p95 latency above 500ms',
      description: `The 95th percentile of request duration of PetStore pets/shop is ${value} (threshold 500ms).`,
      runbook_url: `${runbook}#petstorehighlatency`,
    },
  });

  it('PetStoreHighLatency: fires at a p95 of 510ms after 5 minutes, silent at 499.5ms', () => {
    expectPass(rule().spec.groups, [
      {
        name: 'above: p95 = 0.5 + 0.25 * 0.2 / 5.2',
        interval: '1m',
        input_series: buckets({ '0.25': 0, '0.5': 94.8, '0.75': 100, '+Inf': 100 }),
        alert_rule_test: [
          { eval_time: '10m', alertname: 'PetStoreHighLatency', exp_alerts: [latencyAlert('509.6ms')] },
        ],
      },
      {
        name: 'just under: p95 = 0.25 + 0.25 * 95 / 95.2',
        interval: '1m',
        input_series: buckets({ '0.25': 0, '0.5': 95.2, '0.75': 100, '+Inf': 100 }),
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreHighLatency', exp_alerts: [] }],
      },
    ]);
  });

  const podLabels = { namespace: 'pets', job: 'shop', instance: '10.0.1.5:8080', pod: 'shop-7d9c8b5f4-abcde' };

  it('PetStoreHighCPU: fires at 87% of the 500m limit after 5 minutes, silent at 84%', () => {
    const cpu = (secondsPerMinute: number) => ({
      series: `process_cpu_seconds_total{${scrape}}`,
      values: `0+${secondsPerMinute}x30`,
    });
    expectPass(rule().spec.groups, [
      {
        name: 'above',
        interval: '1m',
        input_series: [cpu(26.1)],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'PetStoreHighCPU',
            exp_alerts: [
              {
                exp_labels: { ...podLabels, severity: 'warning', petstore: 'shop' },
                exp_annotations: {
                  summary: 'PetStore pets/shop: a pod uses more than 85% of its CPU limit',
                  description:
                    'Pod shop-7d9c8b5f4-abcde of PetStore pets/shop uses 87% of its CPU limit (500m; threshold 85%).',
                  runbook_url: `${runbook}#petstorehighcpu`,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'just under',
        interval: '1m',
        input_series: [cpu(25.2)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreHighCPU', exp_alerts: [] }],
      },
    ]);
  });

  it('PetStoreHighMemory: fires above 85% of the 512Mi limit after 5 minutes, silent at 84%', () => {
    const rss = (bytes: number) => ({ series: `process_resident_memory_bytes{${scrape}}`, values: `${bytes}x30` });
    expectPass(rule().spec.groups, [
      {
        name: 'above: 460 MB of 512 MiB',
        interval: '1m',
        input_series: [rss(460_000_000)],
        alert_rule_test: [
          {
            eval_time: '10m',
            alertname: 'PetStoreHighMemory',
            exp_alerts: [
              {
                exp_labels: { ...podLabels, severity: 'warning', petstore: 'shop' },
                exp_annotations: {
                  summary: 'PetStore pets/shop: a pod uses more than 85% of its memory limit',
                  description:
                    'Pod shop-7d9c8b5f4-abcde of PetStore pets/shop uses 85.68% of its memory limit (512Mi; threshold 85%); past the limit it is OOM-killed.',
                  runbook_url: `${runbook}#petstorehighmemory`,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'just under: 450 MB',
        interval: '1m',
        input_series: [rss(450_000_000)],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStoreHighMemory', exp_alerts: [] }],
      },
    ]);
  });

  // `for: 5m` respected: each condition turns true at the 11th minute (a step at minute 10), so the alert is pending,
  // not firing, at minute 15 and fires at minute 16.
  const forRespected = (alertname: string, input_series: RuleTest['input_series'], alert: object): RuleTest[] => [
    {
      name: `${alertname} waits for its for: duration`,
      interval: '1m',
      input_series,
      alert_rule_test: [
        { eval_time: '10m', alertname, exp_alerts: [] },
        { eval_time: '15m', alertname, exp_alerts: [] },
        { eval_time: '16m', alertname, exp_alerts: [alert] },
      ],
    },
  ];
  const stepLabels = { ...podLabels, severity: 'warning', petstore: 'shop' };

  it('PetStoreHighErrorRate: for: 5m is respected', () => {
    expectPass(
      rule().spec.groups,
      forRespected(
        'PetStoreHighErrorRate',
        [requests('200', 100), { series: requests('500', 0).series, values: '0x10 50+50x30' }],
        errorRateAlert('33.33%'),
      ),
    );
  });

  it('PetStoreHighLatency: for: 5m is respected', () => {
    const bucket = (le: string, values: string) => ({
      series: `http_request_duration_seconds_bucket{${scrape}, method="GET", route="/api/v1/pets", status_code="200", le="${le}"}`,
      values,
    });
    expectPass(
      rule().spec.groups,
      forRespected(
        'PetStoreHighLatency',
        // From minute 10 on, every request takes between 0.5 and 0.75 s.
        [
          bucket('0.25', '0+100x10 1000x30'),
          bucket('0.5', '0+100x10 1000x30'),
          bucket('0.75', '0+100x40'),
          bucket('+Inf', '0+100x40'),
        ],
        latencyAlert('737.5ms'),
      ),
    );
  });

  it('PetStoreHighCPU: for: 5m is respected', () => {
    expectPass(
      rule().spec.groups,
      forRespected(
        'PetStoreHighCPU',
        [{ series: `process_cpu_seconds_total{${scrape}}`, values: '0+10x10 300+200x30' }],
        {
          exp_labels: stepLabels,
          exp_annotations: {
            summary: 'PetStore pets/shop: a pod uses more than 85% of its CPU limit',
            description:
              'Pod shop-7d9c8b5f4-abcde of PetStore pets/shop uses 666.7% of its CPU limit (500m; threshold 85%).',
            runbook_url: `${runbook}#petstorehighcpu`,
          },
        },
      ),
    );
  });

  it('PetStoreHighMemory: for: 5m is respected', () => {
    expectPass(
      rule().spec.groups,
      forRespected(
        'PetStoreHighMemory',
        [{ series: `process_resident_memory_bytes{${scrape}}`, values: '100000000x10 500000000x30' }],
        {
          exp_labels: stepLabels,
          exp_annotations: {
            summary: 'PetStore pets/shop: a pod uses more than 85% of its memory limit',
            description:
              'Pod shop-7d9c8b5f4-abcde of PetStore pets/shop uses 93.13% of its memory limit (512Mi; threshold 85%); past the limit it is OOM-killed.',
            runbook_url: `${runbook}#petstorehighmemory`,
          },
        },
      ),
    );
  });

  const restarts = (pod: string, values: string) => ({
    series: `kube_pod_container_status_restarts_total{namespace="pets", pod="${pod}", container="api", uid="u1", job="kube-state-metrics"}`,
    values,
  });
  const restartAlert = (times: string, threshold = 1) => ({
    exp_labels: {
      namespace: 'pets',
      pod: 'shop-7d9c8b5f4-abcde',
      container: 'api',
      uid: 'u1',
      job: 'kube-state-metrics',
      severity: 'warning',
      petstore: 'shop',
    },
    exp_annotations: {
      summary: 'PetStore pets/shop: pod shop-7d9c8b5f4-abcde restarted',
      description: `The API container of pod shop-7d9c8b5f4-abcde of PetStore pets/shop restarted ${times} times in the last 15 minutes (threshold ${threshold}).`,
      runbook_url: `${runbook}#petstorepodrestarts`,
    },
  });

  it('PetStorePodRestarts: fires at once on a restart of its own pods only, and clears 15 minutes later', () => {
    expectPass(rule().spec.groups, [
      {
        name: 'one restart',
        interval: '1m',
        input_series: [
          restarts('shop-7d9c8b5f4-abcde', '0x10 1x40'),
          // The pods of PetStore shop-eu, which shop's pod pattern must not match.
          restarts('shop-eu-6b7c9d8f5-xyzab', '0x10 5x40'),
        ],
        alert_rule_test: [
          { eval_time: '9m', alertname: 'PetStorePodRestarts', exp_alerts: [] },
          { eval_time: '11m', alertname: 'PetStorePodRestarts', exp_alerts: [restartAlert('1')] },
          { eval_time: '30m', alertname: 'PetStorePodRestarts', exp_alerts: [] },
        ],
      },
      {
        name: 'no restart',
        interval: '1m',
        input_series: [restarts('shop-7d9c8b5f4-abcde', '3x30')],
        alert_rule_test: [{ eval_time: '20m', alertname: 'PetStorePodRestarts', exp_alerts: [] }],
      },
    ]);
  });

  it('PetStorePodRestarts: follows spec.monitoring.alerts.podRestarts', () => {
    expectPass(rule({ monitoring: { alerts: { podRestarts: 3 } } }).spec.groups, [
      {
        name: 'two restarts are under 3',
        interval: '1m',
        input_series: [restarts('shop-7d9c8b5f4-abcde', '0x10 1 2x30')],
        alert_rule_test: [{ eval_time: '13m', alertname: 'PetStorePodRestarts', exp_alerts: [] }],
      },
      {
        name: 'three restarts',
        interval: '1m',
        input_series: [restarts('shop-7d9c8b5f4-abcde', '0x10 1 2 3x30')],
        alert_rule_test: [{ eval_time: '13m', alertname: 'PetStorePodRestarts', exp_alerts: [restartAlert('3', 3)] }],
      },
    ]);
  });
});
