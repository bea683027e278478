// AWS-side faults for chaos runs and tests: a small HTTP proxy on 127.0.0.1 in front of moto, which
// moto itself cannot be told to do. A function host (or an in-process handler) is pointed at it with
// AWS_ENDPOINT_URL, so only that function's calls see the faults; nothing in the Lambda bundle knows.
// Each call is named by the X-Amz-Target header the AWS SDK sends for JSON-protocol services
// (DynamoDB "DynamoDB_20120810.PutItem", SQS "AmazonSQS.SendMessageBatch", Secrets Manager
// "secretsmanager.GetSecretValue"); a decision per call forwards it, answers an AWS error without
// forwarding, forwards part of a SendMessageBatch and reports the rest failed, takes a whole
// SendMessageBatch without forwarding it, or holds it unanswered (for killing the caller at that moment).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsCall {
  /** From X-Amz-Target: dynamodb, sqs, secretsmanager, or the raw prefix. */
  service: string;
  /** E.g. PutItem, SendMessageBatch, GetSecretValue. */
  operation: string;
  /** The JSON request body (undefined when not JSON). */
  body: Record<string, unknown> | undefined;
}

export type AwsFault =
  /** Answer an AWS error of this type without forwarding (the call did nothing). */
  | { kind: 'error'; status: number; type: string; message?: string }
  /** SendMessageBatch: forward only the entries `keep` says, report the others failed (SQS's side). */
  | { kind: 'partial-batch'; keep: (entryIndex: number) => boolean }
  /** SendMessageBatch: answer every entry taken without forwarding (a sink for volume that is only counted). */
  | { kind: 'accept-batch' }
  /** Never answer (until the caller goes away or the proxy closes); `onHold` is told. */
  | { kind: 'hold' };

export interface AwsFaultProxyOptions {
  /** Where calls go when not faulted (moto's endpoint). */
  target: string;
  /** Per call: a fault, or undefined to forward it. */
  decide: (call: AwsCall) => AwsFault | undefined;
  onHold?: (call: AwsCall) => void;
}

export interface AwsFaultProxy {
  /** The endpoint to give as AWS_ENDPOINT_URL. */
  url: string;
  /** Every call seen, with the fault it got (or none). */
  calls(): { call: AwsCall; fault?: AwsFault['kind'] }[];
  close(): Promise<void>;
}

const SERVICES: Record<string, string> = { DynamoDB_20120810: 'dynamodb', AmazonSQS: 'sqs', secretsmanager: 'secretsmanager' };

/** An AWS error of type `type` for `service`, as the JSON protocols write it. */
export function awsError(type: string, status = 400, message = 'injected by the chaos AWS fault proxy'): AwsFault {
  return { kind: 'error', status, type, message };
}

export async function startAwsFaultProxy(options: AwsFaultProxyOptions): Promise<AwsFaultProxy> {
  const target = new URL(options.target);
  const seen: { call: AwsCall; fault?: AwsFault['kind'] }[] = [];
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const call = describeCall(req, raw);
      const fault = options.decide(call);
      seen.push({ call, ...(fault ? { fault: fault.kind } : {}) });
      if (!fault) return forward(req, raw, res);
      if (fault.kind === 'error') return answerError(res, call, fault);
      if (fault.kind === 'hold') {
        held.add(res);
        res.on('close', () => held.delete(res));
        options.onHold?.(call);
        return;
      }
      if (fault.kind === 'accept-batch')
        return answerJson(res, { Successful: batchEntries(call).map(({ Id }) => ({ Id, MessageId: Id, MD5OfMessageBody: '' })), Failed: [] });
      return forwardPartialBatch(req, call, fault, res);
    });
  });

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, rewrite?: (answer: Buffer) => Buffer): void {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    const upstream = httpRequest({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => parts.push(chunk));
      answer.on('end', () => {
        const out = rewrite ? rewrite(Buffer.concat(parts)) : Buffer.concat(parts);
        const outHeaders: Record<string, string | string[] | undefined> = { ...answer.headers, 'content-length': String(out.length) };
        // A rewritten body no longer matches the checksum DynamoDB answers carry.
        if (rewrite) delete outHeaders['x-amz-crc32'];
        res.writeHead(answer.statusCode ?? 502, outHeaders);
        res.end(out);
      });
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  function forwardPartialBatch(req: IncomingMessage, call: AwsCall, fault: Extract<AwsFault, { kind: 'partial-batch' }>, res: ServerResponse): void {
    const entries = batchEntries(call);
    const kept = entries.filter((_, i) => fault.keep(i));
    const dropped = entries.filter((_, i) => !fault.keep(i));
    const failed = dropped.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'injected by the chaos AWS fault proxy' }));
    if (kept.length === 0) {
      answerJson(res, { Successful: [], Failed: failed });
      return;
    }
    forward(req, Buffer.from(JSON.stringify({ ...call.body, Entries: kept })), res, (answer) => {
      const parsed = JSON.parse(answer.toString('utf8')) as { Successful?: unknown[]; Failed?: unknown[] };
      return Buffer.from(JSON.stringify({ ...parsed, Successful: parsed.Successful ?? [], Failed: [...(parsed.Failed ?? []), ...failed] }));
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => seen,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeCall(req: IncomingMessage, raw: Buffer): AwsCall {
  const targetHeader = String(req.headers['x-amz-target'] ?? '');
  const [prefix = '', operation = ''] = targetHeader.split('.');
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return { service: SERVICES[prefix] ?? (prefix || 'other'), operation, body };
}

function batchEntries(call: AwsCall): { Id: string }[] {
  return Array.isArray(call.body?.Entries) ? (call.body.Entries as { Id: string }[]) : [];
}

function answerJson(res: ServerResponse, answer: unknown): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(answer));
}

function answerError(res: ServerResponse, call: AwsCall, fault: Extract<AwsFault, { kind: 'error' }>): void {
  const namespace = call.service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810#' : call.service === 'sqs' ? 'com.amazonaws.sqs#' : '';
  const body = JSON.stringify({ __type: `${namespace}${fault.type}`, message: fault.message ?? 'injected by the chaos AWS fault proxy' });
  res.writeHead(fault.status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': fault.type,
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
