import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedLoad {
  url: string;
  method: string;
  body?: string;
  headers: Record<string, string>;
  /** Requests started per second, whatever the server's speed. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive connections to spread them over (requests queue for a free one, and that wait counts). */
  connections: number;
}

export interface PacedResult {
  p50: number;
  p99: number;
  /** p99 of how late requests left the load generator: when it is large, the generator, not the server, fell behind. */
  lateP99: number;
  completed: number;
  failed: number;
}

/**
 * Open-loop load at a constant rate, evenly spaced (autocannon's rate limits release each second's quota at once).
 * Each latency counts from the moment its request was due, so a server that falls behind cannot hide its queue
 * (no coordinated omission).
 */
export async function pacedLoad(load: PacedLoad): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.connections });
  const latencies: number[] = [];
  let failed = 0;
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const req = request(load.url, { method: load.method, headers: load.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 500) < 400) latencies.push(performance.now() - due);
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(load.body);
    });

  const total = Math.round(load.rate * load.durationSeconds);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  const late: number[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / load.rate;
    const early = due - performance.now();
    if (early > 1) await sleep(early);
    late.push(Math.max(0, performance.now() - due));
    pending.push(send(due));
  }
  await Promise.all(pending);
  agent.destroy();
  const percentile = (values: number[], q: number) =>
    values.sort((a, b) => a - b)[Math.max(0, Math.ceil(q * values.length) - 1)] ?? Number.NaN;
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    lateP99: percentile(late, 0.99),
    completed: latencies.length,
    failed,
  };
}
