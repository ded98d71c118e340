// promtool (built from the Go module proxy by test/tools/provision-prometheus.sh) run on rule files the tests write:
// `check rules` for syntax and lint, `test rules` for the alerts' behaviour over synthetic series.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireTool, runTool, type ToolResult } from '../infra/tools.ts';
import { scratchDir } from '../scratch.ts';

export interface RuleGroup {
  name: string;
  rules: readonly object[];
}

/** One promtool unit-test group (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/). */
export interface RuleTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test?: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
  }[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

function writeRuleFile(groups: RuleGroup[]): { dir: string; file: string } {
  const dir = scratchDir('promtool-');
  const file = path.join(dir, 'rules.yaml');
  writeFileSync(file, stringify({ groups }));
  return { dir, file };
}

/** `promtool check rules --lint=all --lint-fatal` on the groups: exit status and output. */
export function checkRules(groups: RuleGroup[]): ToolResult {
  const { file } = writeRuleFile(groups);
  return runTool(requireTool('promtool'), ['check', 'rules', '--lint=all', '--lint-fatal', file]);
}

/** `promtool test rules` of the tests against the groups, evaluated every minute. */
export function testRules(groups: RuleGroup[], tests: RuleTest[]): ToolResult {
  const { dir } = writeRuleFile(groups);
  const testFile = path.join(dir, 'tests.yaml');
  writeFileSync(testFile, stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
  return runTool(requireTool('promtool'), ['test', 'rules', testFile], { cwd: dir });
}
