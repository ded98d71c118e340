// A steady stream of HTTP requests from inside the cluster, run in a pod by the rolling-update and autoscaling tests:
// `node http-load.ts` (Node.js strips the types; only node: modules, so it runs from a mounted ConfigMap).
//
// Environment: LOAD_URLS (comma-separated, taken in turn), LOAD_CONCURRENCY (connections, each with keep-alive, each
// sending its next request as soon as the previous one is answered), LOAD_PAUSE_MS (wait between a connection's
// requests), LOAD_TIMEOUT_MS (per request). No retries: a reset connection or a non-2xx answer is a failure, as it
// would be for a client. SIGUSR1 marks a window (the test sends it when the rollout starts and again when it ends);
// SIGTERM or SIGUSR2 stops the load and prints one JSON line: totals, failures by cause, latency percentiles overall
// and inside the window.
import http from 'node:http';

const urls = (process.env.LOAD_URLS ?? '').split(',').filter(Boolean);
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? '4');
const pauseMs = Number(process.env.LOAD_PAUSE_MS ?? '0');
const timeoutMs = Number(process.env.LOAD_TIMEOUT_MS ?? '5000');
if (urls.length === 0) throw new Error('LOAD_URLS is empty: name at least one URL');

interface Sample {
  at: number;
  ms: number;
}
const samples: Sample[] = [];
const failures = new Map<string, number>();
const failureTimes: number[] = [];
const marks: number[] = [];
let stopping = false;
let next = 0;
const started = Date.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function request(url: string): Promise<void> {
  const begun = performance.now();
  return new Promise((resolve) => {
    const fail = (cause: string): void => {
      failures.set(cause, (failures.get(cause) ?? 0) + 1);
      failureTimes.push(Date.now() - started);
      resolve();
    };
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
          samples.push({ at: Date.now(), ms: performance.now() - begun });
          resolve();
        } else fail(`HTTP ${String(res.statusCode)}`);
      });
      res.on('error', (error) => fail(error.message));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${String(timeoutMs)} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}

async function worker(): Promise<void> {
  while (!stopping) {
    const url = urls[next++ % urls.length] ?? '';
    await request(url);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Math.round(value * 10) / 10;
}

function summary(): object {
  const [from = Infinity, to = Date.now()] = marks;
  const inWindow = samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms);
  const all = samples.map((s) => s.ms);
  return {
    seconds: Math.round((Date.now() - started) / 100) / 10,
    requests: samples.length + failureTimes.length,
    succeeded: samples.length,
    failed: failureTimes.length,
    failures: Object.fromEntries(failures),
    failureSeconds: failureTimes.slice(0, 20).map((ms) => Math.round(ms / 100) / 10),
    p50Ms: percentile(all, 50),
    p99Ms: percentile(all, 99),
    maxMs: percentile(all, 100),
    window: {
      seconds: Number.isFinite(from) ? Math.round((to - from) / 100) / 10 : null,
      requests: inWindow.length,
      p50Ms: percentile(inWindow, 50),
      p99Ms: percentile(inWindow, 99),
      maxMs: percentile(inWindow, 100),
    },
  };
}

process.on('SIGUSR1', () => {
  marks.push(Date.now());
  console.log(JSON.stringify({ mark: marks.length, requests: samples.length + failureTimes.length }));
});
const stop = (): void => {
  stopping = true;
};
process.on('SIGUSR2', stop);
process.on('SIGTERM', stop);

console.log(JSON.stringify({ started: true, urls, concurrency }));
await Promise.all(Array.from({ length: concurrency }, () => worker()));
agent.destroy();
console.log(JSON.stringify({ summary: summary() }));
