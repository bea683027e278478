// A Lambda function URL played on loopback: each HTTP request becomes the payload format 2.0 event
// Lambda hands a function behind its URL, the hosted handler runs, and its answer goes back as the
// HTTP response (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). moto creates
// the URL config but serves nothing at it, so the local run and chaos deliver webhooks here.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { FunctionHost } from './function-host';

export interface FunctionUrlFront {
  url: string;
  close(): Promise<void>;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded))/i;

/** The event Lambda builds for a function URL request (headers lower-cased, text bodies as text). */
export function functionUrlEvent(request: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
}): LambdaFunctionURLEvent {
  const parsed = new URL(request.url, 'http://localhost');
  const now = Date.now();
  const isText = request.body.length === 0 || TEXT_TYPES.test(request.headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: parsed.pathname,
    rawQueryString: parsed.search.slice(1),
    headers: request.headers,
    ...(parsed.search ? { queryStringParameters: Object.fromEntries(parsed.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: request.headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method: request.method, path: parsed.pathname, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: request.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: isText ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: !isText,
  } as LambdaFunctionURLEvent;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Serves `host` on 127.0.0.1 as its function URL would; a handler that throws answers 502, as Lambda does. */
export async function startFunctionUrlFront(host: FunctionHost): Promise<FunctionUrlFront> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
      const event = functionUrlEvent({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        body: await readBody(req),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      });
      try {
        const result = await host.invoke<LambdaFunctionURLResult>(event);
        const answer = typeof result === 'object' && result !== null ? result : { statusCode: 200, body: JSON.stringify(result) };
        res.writeHead(answer.statusCode ?? 200, answer.headers as Record<string, string> | undefined);
        res.end(answer.isBase64Encoded ? Buffer.from(answer.body ?? '', 'base64') : (answer.body ?? ''));
      } catch {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Message: 'Internal Server Error' }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** POSTs `body` to a served function URL as a sender would; the HTTP status it answered. */
export async function postToUrl(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  await res.arrayBuffer();
  return res.status;
}
