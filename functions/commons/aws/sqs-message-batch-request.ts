// SQS SendMessageBatch as one signed AWS JSON 1.0 request over a kept-alive connection, with the SQS
// client's own region, credentials, endpoint and attempts, but without its middleware stack. Why:
// a pulled record is one message, so up to a SendMessageBatch per 10 records, and the client's
// per-call work (schema serializer writing JSON byte by byte, endpoint rules, user agent, retry
// tokens, signing, deserializer) was most of a pulled record's CPU: measured 2026-11-30 on this
// project's 2-core machine, 10 entries of ~0.8 KB, 4 calls in flight, CPU per call through
// SQSClient.send (md5 off, middleware cached) 1.65–1.79 ms against a local server answering at once
// and 2.27 ms against one answering after 10 ms; like this 0.67–0.78 and 0.99–1.09 ms. The client's
// credential chain is used as it is; the request is signed by sqs-signature.ts.
//
// What the SDK would have done and this does too:
// - the request: POST / with Content-Type application/x-amz-json-1.0 and X-Amz-Target
//   AmazonSQS.SendMessageBatch, the input as JSON, blobs (binary attribute values) as base64
//   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html);
// - the endpoint: the client's explicit one, else AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL (the
//   SDK's order), else https://sqs.<region>.amazonaws.com (.amazonaws.com.cn in China,
//   https://docs.aws.amazon.com/general/latest/gr/sqs-service.html). FIPS and dual-stack endpoints
//   are not offered: the stack's clients use neither;
// - inside Lambda, the invocation's X-Ray trace header (_X_AMZN_TRACE_ID) as X-Amzn-Trace-Id, which
//   SQS keeps as the messages' AWSTraceHeader and Lambda's recursive loop detection reads
//   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html). The stack runs on
//   Lambda's standard (one invocation per environment) model, where the runtime sets that variable;
//   Lambda Managed Instances' per-request trace store is not read;
// - retries: no answer, 5xx, 429 and throttling codes, up to the client's maxAttempts (3 by default,
//   AWS_MAX_ATTEMPTS), with the standard mode's jittered backoff (aws-request-error.ts);
// - entries SQS failed on its side come back in `Failed` for the caller (sqs-batch-sender.ts).
// Not done: the SDK's clock-skew correction after a RequestTimeTooSkewed answer (Lambda's clock is
// kept in sync; such an answer fails the call like any other refusal).
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentityProvider, Endpoint } from '@smithy/types';
import type { Sleep } from '../procore/timing';
import * as z from '../validation/zod';
import { noAnswer, withAwsRetries, type AwsAnswer, type NoAnswer } from './aws-request-error';
import { signSqsJsonRequest } from './sqs-signature';

export interface SendMessageBatchOptions {
  sleep?: Sleep;
  random?: () => number;
}

const FailedEntrySchema = z.object({ Id: z.string(), Code: z.string(), Message: z.optional(z.string()), SenderFault: z.optional(z.boolean()) });
/** What of SQS's answer the sender depends on: the entries it failed (`Successful` is not read). */
const AnswerSchema = z.object({ Failed: z.optional(z.array(FailedEntrySchema)) });

/** An entry SQS did not take, and why (SenderFault: the entry itself is wrong, sending it again cannot help). */
export type FailedEntry = z.infer<typeof FailedEntrySchema>;

/** No answer within this long (connect included) counts as none: tried again. */
const SOCKET_TIMEOUT_MS = 30_000;

interface Sender {
  url: URL;
  region: string;
  credentials: AwsCredentialIdentityProvider;
  maxAttempts: number;
  agent: HttpAgent;
}

// One per client (as the client has its own connections): built on the first call, kept for the container's life.
const senders = new WeakMap<SQSClient, Promise<Sender>>();

/**
 * Sends one SendMessageBatch (at most 10 entries) with `sqs`'s settings; resolves with the entries
 * SQS failed, throws AwsRequestError when the call as a whole did not succeed.
 */
export async function sendMessageBatchRequest(
  sqs: SQSClient,
  queueUrl: string,
  entries: SendMessageBatchRequestEntry[],
  options: SendMessageBatchOptions = {},
): Promise<FailedEntry[]> {
  let sender = senders.get(sqs);
  if (!sender) {
    sender = senderFor(sqs);
    senders.set(sqs, sender);
    sender.catch(() => senders.delete(sqs));
  }
  const { maxAttempts, ...target } = await sender;
  // Encoded once: the signer hashes these bytes and the socket sends them.
  const payload = Buffer.from(JSON.stringify({ QueueUrl: queueUrl, Entries: entries.map(jsonEntry) }), 'utf8');
  // Each call names its operation as a literal: the stack's rule book (test/infra/handler-calls.ts)
  // reads `sqsJsonRequest("<Operation>"` in a handler's bundle as the IAM action sqs:<Operation>.
  return withAwsRetries<FailedEntry[]>(
    { service: 'SQS', operation: 'SendMessageBatch', target: queueUrl },
    async () => {
      const answer = await sqsJsonRequest('SendMessageBatch', { ...target, payload });
      if ('network' in answer || answer.status >= 300) return { failure: answer };
      const parsed = AnswerSchema.safeParse(answer.json);
      if (!parsed.success) return { failure: { status: answer.status, code: 'UnreadableAnswer', requestId: answer.requestId } };
      return { value: parsed.data.Failed ?? [] };
    },
    { maxAttempts, ...options },
  );
}

async function senderFor(sqs: SQSClient): Promise<Sender> {
  const region = await sqs.config.region();
  const url = sqsEndpointUrl(await sqs.config.endpoint?.(), region, process.env);
  // The signature covers the path "/" only: SQS's endpoints, moto and LocalStack have no other.
  if (url.pathname !== '/') {
    throw new Error(`SQS endpoint ${url.origin}${url.pathname}: an endpoint with a path is not supported (SendMessageBatch is signed for "/")`);
  }
  // Kept-alive sockets, up to the SDK's 50 per host (NodeHttpHandler's default).
  const agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 50 }) : new HttpAgent({ keepAlive: true, maxSockets: 50 });
  return { url, region, credentials: sqs.config.credentials, maxAttempts: await sqs.config.maxAttempts(), agent };
}

/** Where SQS requests go: the client's explicit endpoint, else the environment's, else AWS's regional endpoint. */
export function sqsEndpointUrl(explicit: Endpoint | undefined, region: string, env: NodeJS.ProcessEnv): URL {
  if (explicit) return new URL(`${explicit.protocol}//${explicit.hostname}${explicit.port ? `:${explicit.port}` : ''}${explicit.path}`);
  const configured = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  return new URL(`https://sqs.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`);
}

/** A binary attribute value goes as base64 in AWS JSON; everything else as it is. */
function jsonEntry(entry: SendMessageBatchRequestEntry): unknown {
  const attributes = entry.MessageAttributes;
  let binary = false;
  for (const name in attributes) if (attributes[name]!.BinaryValue) binary = true;
  if (!binary) return entry;
  const MessageAttributes = Object.fromEntries(
    Object.entries(attributes!).map(([name, value]) => [
      name,
      value.BinaryValue ? { ...value, BinaryValue: Buffer.from(value.BinaryValue).toString('base64') } : value,
    ]),
  );
  return { ...entry, MessageAttributes };
}

type JsonAnswer = (AwsAnswer & { json: unknown }) | NoAnswer;

/** One signed POST of an AWS JSON 1.0 operation: the answer's status, error code and parsed body, or what the socket said. */
async function sqsJsonRequest(operation: 'SendMessageBatch', request: Omit<Sender, 'maxAttempts'> & { payload: Buffer }): Promise<JsonAnswer> {
  const { url, region, credentials, agent, payload } = request;
  // Credentials (the client's chain, renewed as it renews them) fail as themselves: not SQS's answer, not the network's.
  const headers = signSqsJsonRequest({ host: url.host, region, target: `AmazonSQS.${operation}`, payload }, await credentials(), new Date());
  const traceId = process.env._X_AMZN_TRACE_ID;
  // Spelled as the SDK spells it: X-Ray's HTTP capture (tracing "subsegments") leaves a request that
  // already carries `X-Amzn-Trace-Id` alone, so the header keeps Lambda's Lineage field. Such a
  // request gets no subsegment of its own: in that mode the batch sends are not drawn apart in the
  // trace (the SQS client's other calls still are).
  if (process.env.AWS_LAMBDA_FUNCTION_NAME && traceId) headers['X-Amzn-Trace-Id'] = traceId;
  headers['content-length'] = String(payload.length);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const options = { method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, agent, headers, timeout: SOCKET_TIMEOUT_MS };
    const req = send(options, (res) => readAnswer(res, resolve));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${SOCKET_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve(noAnswer(error)));
    req.end(payload);
  });
}

function readAnswer(res: IncomingMessage, resolve: (answer: JsonAnswer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', (error) => resolve(noAnswer(error)));
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    const requestId = headerText(res.headers['x-amzn-requestid']);
    let json: unknown;
    try {
      json = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      json = undefined; // an error answer without a code, or a success the schema refuses
    }
    resolve({ status, requestId, json, code: status >= 300 ? errorCode(json) : undefined });
  });
}

/** `__type` of an AWS JSON error (`com.amazonaws.sqs#QueueDoesNotExist` → QueueDoesNotExist). Only the code: the message may echo the input. */
function errorCode(json: unknown): string | undefined {
  const type = (json as { __type?: unknown } | null)?.__type;
  if (typeof type !== 'string') return undefined;
  const code = type.slice(type.lastIndexOf('#') + 1);
  return /^[A-Za-z0-9.]{1,100}$/.test(code) ? code : undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
