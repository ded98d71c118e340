import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to a request instead of forwarding it:
 * - throttle: 400 ThrottlingException, as AWS answers when the account's API rate is exceeded
 * - server-error: 500 InternalFailure
 * - lose-response: forwards it (AWS acts on it) but answers 500, as when the response is lost on the way back
 * - access-denied: 403 AccessDenied (RDS) / 400 AccessDeniedException (Secrets Manager), as IAM answers
 * - invalid-combination: 400 InvalidParameterCombination
 */
export type Fault = 'throttle' | 'server-error' | 'lose-response' | 'access-denied' | 'invalid-combination';

export interface ProxiedRequest {
  /** `rds:CreateDBInstance`, `secretsmanager:GetSecretValue`: the IAM action of the call. */
  action: string;
  status: number;
  fault?: Fault;
}

/** A small HTTP proxy in front of moto that records every AWS call and answers chosen ones with injected faults. */
export interface FaultProxy {
  endpoint: string;
  requests: ProxiedRequest[];
  /** Answers the next `times` calls of `action` (or of every action: '*') with `fault`. */
  inject(action: string, fault: Fault, times?: number): void;
  /** Drops every injection not used up yet. */
  clear(): void;
  /** The IAM actions seen since `from` (an index into requests), in order. */
  actionsSince(from: number): string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const injections: { action: string; fault: Fault; left: number }[] = [];
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: ${String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const action = actionOf(request, body);
    const injection = injections.find((i) => i.left > 0 && (i.action === action || i.action === '*'));
    if (injection) injection.left--;
    const fault = injection?.fault;
    if (fault === undefined || fault === 'lose-response') {
      const answer = await forward(upstream, request, body);
      if (fault === undefined) {
        requests.push({ action, status: answer.status });
        response.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
    }
    const error = faultResponse(fault, action);
    requests.push({ action, status: error.status, fault });
    response.writeHead(error.status, { 'content-type': error.contentType }).end(error.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${String(port)}`,
    requests,
    inject(action, fault, times = 1) {
      injections.push({ action, fault, left: times });
    },
    clear() {
      injections.length = 0;
    },
    actionsSince(from) {
      return requests.slice(from).map((r) => r.action);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The IAM action of a request: RDS speaks the query protocol (Action=...), Secrets Manager JSON (X-Amz-Target). */
function actionOf(request: IncomingMessage, body: Buffer): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [service, operation] = target.split('.');
    return `${service === 'secretsmanager' ? 'secretsmanager' : (service ?? '?')}:${operation ?? '?'}`;
  }
  const operation = new URLSearchParams(body.toString('utf8')).get('Action');
  return `rds:${operation ?? '?'}`;
}

function faultResponse(
  fault: Fault | undefined,
  action: string,
): { status: number; contentType: string; body: string } {
  const [code, status, message] = (
    {
      throttle: ['ThrottlingException', 400, 'Rate exceeded'],
      'server-error': ['InternalFailure', 500, 'We encountered an internal error. Please try again.'],
      'lose-response': ['InternalFailure', 500, 'We encountered an internal error. Please try again.'],
      'access-denied': [
        action.startsWith('secretsmanager:') ? 'AccessDeniedException' : 'AccessDenied',
        action.startsWith('secretsmanager:') ? 400 : 403,
        `User: arn:aws:sts::123456789012:assumed-role/petstore-operator/pod is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      ],
      'invalid-combination': [
        'InvalidParameterCombination',
        400,
        'The requested change is not allowed for this instance.',
      ],
    } as const
  )[fault ?? 'server-error'];
  if (action.startsWith('secretsmanager:')) {
    return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: code, message }) };
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    contentType: 'text/xml',
    body:
      `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function forward(
  upstream: string,
  request: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!hopByHop.has(name) && typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(new URL(request.url ?? '/', upstream), {
    method: request.method ?? 'POST',
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
  });
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!hopByHop.has(name) && name !== 'content-encoding') out[name] = value;
  });
  return { status: answer.status, headers: out, body: Buffer.from(await answer.arrayBuffer()) };
}
