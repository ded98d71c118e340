// Connections tried from inside a pod (`kubectl exec`, Node.js in the image), with an answer that tells a dropped
// connection (the NetworkPolicy enforcer's verdict) from a refused one or a missing name, so a broken network cannot
// pass for an enforced policy.
import { kubectl } from '../cluster/fixtures.ts';

/** What a TCP connection attempt came to: `timeout` is what a dropped SYN looks like. */
export type Connection = 'connected' | 'refused' | 'timeout' | `error ${string}`;

const connectScript = `
const [host, port, ms] = process.argv.slice(1);
const socket = require('node:net').connect({ host, port: Number(port) });
socket.setTimeout(Number(ms));
socket.on('connect', () => { console.log('connected'); socket.destroy(); });
socket.on('timeout', () => { console.log('timeout'); socket.destroy(); });
socket.on('error', (e) => console.log(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));
`;

/** Long enough that a SYN retransmitted after 1 s would have been answered: a timeout means the packets were dropped. */
const connectTimeoutMs = 4_000;

/** Where the probe runs: a pod (or `deployment/<name>`) and, for the API pods, its container. */
export interface Source {
  namespace: string;
  pod: string;
  container?: string;
}

function exec(source: Source, args: string[]): Promise<string> {
  return kubectl([
    '-n',
    source.namespace,
    'exec',
    source.pod,
    ...(source.container ? ['-c', source.container] : []),
    '--',
    ...args,
  ]);
}

/** Opens a TCP connection from `source` to host:port and says how it went. */
export async function connect(source: Source, host: string, port: number): Promise<Connection> {
  const out = await exec(source, ['node', '-e', connectScript, host, String(port), String(connectTimeoutMs)]);
  return out.trim() as Connection;
}

/** GETs a URL from `source`; resolves with the status, or the kind of failure. */
export async function httpGet(source: Source, url: string): Promise<string> {
  return httpRequest(source, url, {});
}

/** Sends a request from `source`; resolves with `<status>` or `failed <cause>`. */
export async function httpRequest(
  source: Source,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<string> {
  const script = `
fetch(${JSON.stringify(url)}, { ...${JSON.stringify(init)}, signal: AbortSignal.timeout(${String(connectTimeoutMs)}) })
  .then((r) => console.log(String(r.status)), (e) => console.log('failed ' + (e.cause?.code ?? e.name)));
`;
  return (await exec(source, ['node', '-e', script])).trim();
}

/** Resolves a name with the pod's resolver (its resolv.conf: the cluster DNS Service); the addresses, or the error. */
export async function resolve(source: Source, name: string): Promise<string> {
  const script = `
new (require('node:dns').promises.Resolver)({ timeout: 2000, tries: 2 }).resolve4(${JSON.stringify(name)})
  .then((a) => console.log(a.join(',')), (e) => console.log('failed ' + e.code));
`;
  return (await exec(source, ['node', '-e', script])).trim();
}
