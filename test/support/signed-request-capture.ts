// For requests the functions sign themselves (the claim check's S3 objects, SQS SendMessageBatch):
// a local server that records each request and answers in turn, and SigV4's Authorization
// recomputed from a request as received, following AWS's "Create a signed request" steps
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
// not with the signer that made it. moto does not check signatures; these tests do.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** A local server that records each request and answers from `answers` in turn (the last one repeats); `requestIdHeader` carries `req-<n>`. */
export async function captureServer(
  answers: Answer[],
  requestIdHeader = 'x-amz-request-id',
): Promise<{ server: Server; endpoint: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers[Math.min(received.length, answers.length) - 1]!;
      res.writeHead(answer.status, { [requestIdHeader]: `req-${received.length}`, ...answer.headers }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** SigV4's Authorization recomputed from the request as received: `payloadHash` is the hex SHA-256 the signer must have used. */
export function recomputedAuthorization(
  request: { method: string; path: string; headers: Record<string, string>; payloadHash: string },
  signing: { service: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
): string {
  const { method, path, headers, payloadHash } = request;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]!.split(';');
  const amzDate = headers['x-amz-date']!;
  const scope = `${amzDate.slice(0, 8)}/${signing.region}/${signing.service}/aws4_request`;
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headers[name]!.trim()}\n`).join('');
  const canonicalRequest = [method, path, '', canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${signing.credentials.secretAccessKey}`, amzDate.slice(0, 8));
  for (const part of [signing.region, signing.service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');
  return `AWS4-HMAC-SHA256 Credential=${signing.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
}
