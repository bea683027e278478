// A counting reverse proxy in front of moto: the function under measurement gets this as its
// AWS_ENDPOINT_URL, so every AWS call it makes (retries included) is counted by service and
// operation as it crosses the wire, without touching the handler's code. The bench's own calls
// (queue setup, the event-source player) go to moto directly and are not counted.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsRequestCounter {
  endpoint: string;
  /** Requests since the last reset, keyed `Service.Operation` (e.g. `AmazonSQS.SendMessageBatch`). */
  counts(): Record<string, number>;
  /** Total for one service prefix (`AmazonSQS`, `DynamoDB_20120810`, `secretsmanager`). */
  total(service: string): number;
  reset(): void;
  close(): Promise<void>;
}

/** The SDK's JSON protocols name the operation in X-Amz-Target; query-protocol calls carry Action. */
function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.length > 0) return target;
  const action = new URL(req.url ?? '/', 'http://local').searchParams.get('Action');
  return action ? `query.${action}` : `other.${req.method ?? 'GET'}`;
}

// Hop-by-hop headers belong to one connection and a proxy does not forward them (RFC 9110 §7.6.1).
// moto's server answers `Connection: close`; passed on, it would make the measured function open a
// TCP connection per AWS call, which it does not do against AWS (the SDK keeps connections alive),
// and the bench would count that connect CPU as the function's.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

export async function startAwsRequestCounter(upstream: string): Promise<AwsRequestCounter> {
  const target = new URL(upstream);
  let counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const operation = operationOf(req);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`bench proxy: ${error.message}`);
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    total: (service) => [...counts.entries()].filter(([key]) => key.startsWith(`${service}.`)).reduce((sum, [, n]) => sum + n, 0),
    reset: () => {
      counts = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
