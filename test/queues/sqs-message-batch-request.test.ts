// SendMessageBatch as the functions send it (functions/commons/aws/sqs-message-batch-request.ts): a
// signed AWS JSON 1.0 request, not the SDK's. moto does not check signatures, so the request's shape
// is checked as a local server receives it, its SigV4 Authorization recomputed here; SQS's answers
// (entries failed, errors, no answer) and retries; where the request goes. The round trip through
// moto is in sqs-batch-sender.test.ts and every pull and push test.
import type { Server } from 'node:http';
import { SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { AwsRequestError } from '../../functions/commons/aws/aws-request-error';
import { sendMessageBatchRequest, sqsEndpointUrl } from '../../functions/commons/aws/sqs-message-batch-request';
import { classify } from '../../functions/commons/failure/classify';
import { captureServer, recomputedAuthorization, sha256, type Answer } from '../support/signed-request-capture';

const CREDENTIALS = { accessKeyId: 'AKIDSQSBATCH', secretAccessKey: 'sqs-batch-secret-key', sessionToken: 'sqs-batch-session-token' };
const REGION = 'eu-west-1';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/records';
const ENTRIES: SendMessageBatchRequestEntry[] = [
  { Id: '0', MessageBody: '{"id":1,"title":"é \\" \\u0001"}', MessageAttributes: { resource: { DataType: 'String', StringValue: 'rfis' } } },
  { Id: '1', MessageBody: 'second', MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 254, 255]) } }, DelaySeconds: 5 },
];
const taken = (ids: string[]) => JSON.stringify({ Successful: ids.map((Id) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: 'x' })), Failed: [] });
const sqsError = (type: string, message = 'the queue is not there') => JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message });

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  delete process.env._X_AMZN_TRACE_ID;
});

async function sendingTo(answers: Answer[], client: { maxAttempts?: number } = {}) {
  const capture = await captureServer(answers, 'x-amzn-requestid');
  servers.push(capture.server);
  const sqs = new SQSClient({ endpoint: capture.endpoint, region: REGION, credentials: CREDENTIALS, ...client });
  const sleeps: number[] = [];
  const send = () => sendMessageBatchRequest(sqs, QUEUE_URL, ENTRIES, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
  return { send, received: capture.received, sleeps, host: new URL(capture.endpoint).host };
}

it('POSTs the input as AWS JSON 1.0 (binary attribute values as base64), SigV4-signed for sqs in the region', async () => {
  const { send, received, host } = await sendingTo([{ status: 200, body: taken(['0', '1']) }]);
  await expect(send()).resolves.toEqual([]);
  expect(received).toHaveLength(1);
  const [request] = received;
  expect({ method: request!.method, url: request!.url }).toEqual({ method: 'POST', url: '/' });
  expect(JSON.parse(request!.body.toString('utf8'))).toEqual({
    QueueUrl: QUEUE_URL,
    Entries: [ENTRIES[0], { ...ENTRIES[1], MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: 'AAH+/w==' } } }],
  });
  const headers = request!.headers as Record<string, string>;
  expect(headers).toMatchObject({
    host,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'AmazonSQS.SendMessageBatch',
    'x-amz-security-token': CREDENTIALS.sessionToken,
    'content-length': String(request!.body.length),
  });
  expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSQSBATCH\/\d{8}\/eu-west-1\/sqs\/aws4_request, /);
  expect(/SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]!.split(';')).toEqual(
    expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']),
  );
  expect(headers.authorization).toBe(
    recomputedAuthorization(
      { method: 'POST', path: '/', headers, payloadHash: sha256(request!.body) },
      { service: 'sqs', region: REGION, credentials: CREDENTIALS },
    ),
  );
  expect(headers['x-amzn-trace-id']).toBeUndefined();
});

it("inside Lambda, carries the invocation's X-Ray trace header (what SQS keeps as AWSTraceHeader for loop detection)", async () => {
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'pull-worker';
  process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const { send, received } = await sendingTo([{ status: 200, body: taken(['0', '1']) }]);
  await send();
  expect(received[0]!.headers['x-amzn-trace-id']).toBe(process.env._X_AMZN_TRACE_ID);
});

it('resolves with the entries SQS failed, for the caller to retry or report', async () => {
  const failed = { Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false };
  const { send, received } = await sendingTo([
    { status: 200, body: JSON.stringify({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [failed] }) },
  ]);
  await expect(send()).resolves.toEqual([failed]);
  expect(received).toHaveLength(1);
});

it('tries a 5xx or throttled call again with backoff, each attempt signed afresh', async () => {
  const { send, received, sleeps } = await sendingTo([
    { status: 500, body: sqsError('InternalError', 'oops') },
    { status: 400, body: sqsError('RequestThrottled', 'slow down') },
    { status: 200, body: taken(['0', '1']) },
  ]);
  await expect(send()).resolves.toEqual([]);
  expect(received).toHaveLength(3);
  // Full jitter at random 0.5: half of 100 ms × 2^attempt.
  expect(sleeps).toEqual([100, 200]);
  for (const request of received) {
    const headers = request.headers as Record<string, string>;
    expect(headers.authorization).toBe(
      recomputedAuthorization(
        { method: 'POST', path: '/', headers, payloadHash: sha256(request.body) },
        { service: 'sqs', region: REGION, credentials: CREDENTIALS },
      ),
    );
  }
});

it('a refused call is not tried again: the error names the operation, queue, status, code and request id, and nothing of the signature', async () => {
  const { send, received } = await sendingTo([{ status: 400, body: sqsError('QueueDoesNotExist') }]);
  const error = (await send().catch((e: unknown) => e)) as AwsRequestError;
  expect(error).toBeInstanceOf(AwsRequestError);
  expect(error.message).toBe(`SQS SendMessageBatch ${QUEUE_URL}: HTTP 400 QueueDoesNotExist, request id req-1 after 1 attempt`);
  expect(received).toHaveLength(1);
  // Classified as the SDK's errors were: transient under SQS's code, so the queue's maxReceiveCount bounds it.
  expect(classify(error)).toEqual({ kind: 'transient', errorClass: 'QueueDoesNotExist', reason: error.message });
  expect(error.message).not.toContain(CREDENTIALS.accessKeyId);
});

it("gives up after the client's maxAttempts; an answer without an error code is named by its status", async () => {
  const { send, received, sleeps } = await sendingTo([{ status: 503, body: 'busy' }], { maxAttempts: 2 });
  await expect(send()).rejects.toThrow(`SQS SendMessageBatch ${QUEUE_URL}: HTTP 503 (no error code), request id req-2 after 2 attempts`);
  expect(received).toHaveLength(2);
  expect(sleeps).toEqual([100]);
  const error = await send().catch((e: unknown) => e);
  expect(classify(error)).toMatchObject({ kind: 'transient', errorClass: 'SqsHttp503' });
});

it('a success SQS did not answer in its shape is an error, not an empty answer', async () => {
  const { send } = await sendingTo([{ status: 200, body: '<html>proxy login</html>' }]);
  await expect(send()).rejects.toThrow(`SQS SendMessageBatch ${QUEUE_URL}: HTTP 200 UnreadableAnswer`);
});

it('no answer (connection refused) is tried again, then a NetworkError', async () => {
  const { server, endpoint } = await captureServer([{ status: 200 }]);
  await new Promise((resolve) => server.close(resolve));
  const sqs = new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 3 });
  const sleeps: number[] = [];
  const error = await sendMessageBatchRequest(sqs, QUEUE_URL, ENTRIES, { sleep: async (ms) => void sleeps.push(ms), random: () => 0 }).catch((e: unknown) => e);
  expect((error as Error).message).toMatch(new RegExp(`^SQS SendMessageBatch ${QUEUE_URL}: no answer \\(ECONNREFUSED: .*\\) after 3 attempts$`));
  expect(classify(error)).toMatchObject({ kind: 'transient', errorClass: 'NetworkError' });
  expect(sleeps).toHaveLength(2);
});

describe('where the request goes', () => {
  const endpoint = { protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/' };
  it("the client's explicit endpoint first, then AWS_ENDPOINT_URL_SQS, then AWS_ENDPOINT_URL (the SDK's order)", () => {
    const env = { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL: 'http://127.0.0.1:6000' };
    expect(sqsEndpointUrl(endpoint, REGION, env).href).toBe('http://127.0.0.1:4566/');
    expect(sqsEndpointUrl(undefined, REGION, env).href).toBe('http://127.0.0.1:5000/');
    expect(sqsEndpointUrl(undefined, REGION, { AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL }).href).toBe('http://127.0.0.1:6000/');
  });

  it("otherwise AWS's regional endpoint, over TLS (amazonaws.com.cn in China)", () => {
    expect(sqsEndpointUrl(undefined, 'eu-west-1', {}).href).toBe('https://sqs.eu-west-1.amazonaws.com/');
    expect(sqsEndpointUrl(undefined, 'cn-north-1', {}).href).toBe('https://sqs.cn-north-1.amazonaws.com.cn/');
  });

  it('an endpoint with a path is refused before anything is sent (the signature covers "/" only)', async () => {
    const capture = await captureServer([{ status: 200, body: taken(['0', '1']) }], 'x-amzn-requestid');
    servers.push(capture.server);
    const sqs = new SQSClient({ endpoint: `${capture.endpoint}/sqs-proxy`, region: REGION, credentials: CREDENTIALS });
    await expect(sendMessageBatchRequest(sqs, QUEUE_URL, ENTRIES)).rejects.toThrow(
      `SQS endpoint ${capture.endpoint}/sqs-proxy: an endpoint with a path is not supported`,
    );
    expect(capture.received).toHaveLength(0);
  });
});
