// The webhook receiver handler against moto (Secrets Manager for the header secret, SQS for the
// events queue), with function URL events as Lambda builds them: what Procore sees (status codes),
// what reaches the events queue (only authenticated, well-formed events), rotation without a
// redeploy, and logs that never carry the secret or the body.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { WEBHOOK_AUTH_HEADER, WEBHOOK_MAX_BODY_BYTES } from '../../functions/commons/contracts/webhook-event';
import { HeaderTokenVerifier, secretsManagerTokens, tokenMatches } from '../../functions/webhooks/auth/header-token';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { RECEIVER_METRICS, receiveDelivery } from '../../functions/webhooks/receive-delivery';
import { lambdaContext } from '../../local/lambda-context';
import { functionUrlEvent, webhookEvent } from './support/webhook-payloads';

type Handler = (event: LambdaFunctionURLEvent, context: unknown) => Promise<LambdaFunctionURLResult>;

const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});
const TOKEN = `tok-${randomUUID()}`;
let handler: Handler;
let queueUrl: string;
let secretId: string;

const event = () =>
  webhookEvent({ companyId: 11, projectId: 22, resourceName: 'RFIs', resourceId: 33, eventType: 'update', timestamp: '2026-11-30T04:00:00.123456Z' });
const post = (body: unknown, headers: Record<string, string> = { [WEBHOOK_AUTH_HEADER]: TOKEN }, method = 'POST') =>
  handler(
    functionUrlEvent(typeof body === 'string' ? body : JSON.stringify(body), headers, method),
    lambdaContext({ timeoutMs: 4000, functionName: 'receiver' }),
  );

/** What the receiver queued since the last call (received and deleted). */
async function queued(): Promise<unknown[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  return Messages.map((m) => JSON.parse(m.Body ?? 'null'));
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const suffix = randomUUID().slice(0, 8);
  secretId = `webhook-header-${suffix}`;
  await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: TOKEN }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `webhook-events-${suffix}` }))).QueueUrl!;
  Object.assign(process.env, { CONNECTOR_STAGE: 'test', WEBHOOK_SECRET_ID: secretId, WEBHOOK_EVENTS_QUEUE_URL: queueUrl });
  ({ handler } = (await import('../../functions/webhooks/receiver-handler')) as unknown as { handler: Handler });
});

describe('webhook receiver (function URL handler, moto)', () => {
  it('queues an authenticated v2 event as it came and answers 202', async () => {
    const sent = event();
    const response = await post(sent);
    expect(response).toMatchObject({ statusCode: 202 });
    expect(await queued()).toEqual([sent]);
  });

  // Before any refused delivery: a forced re-read of the secret is spaced (10 s) after the last one.
  it('accepts a rotated secret at once, and the previous value until the hooks are updated, without a redeploy', async () => {
    expect(await post(event())).toMatchObject({ statusCode: 202 });
    const rotated = `tok-${randomUUID()}`;
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: rotated }));
    // The cached value no longer matches: the receiver reads the secret again before refusing.
    expect(await post(event(), { [WEBHOOK_AUTH_HEADER]: rotated })).toMatchObject({ statusCode: 202 });
    expect(await post(event(), { [WEBHOOK_AUTH_HEADER]: TOKEN })).toMatchObject({ statusCode: 202 });
    expect(await post(event(), { [WEBHOOK_AUTH_HEADER]: `tok-${randomUUID()}` })).toMatchObject({ statusCode: 401 });
    expect(await queued()).toHaveLength(3);
  });

  it('answers 401 and queues nothing without the header, with a wrong value, or with the value under another header', async () => {
    const variants: Record<string, string>[] = [
      {},
      { [WEBHOOK_AUTH_HEADER]: `${TOKEN}x` },
      { [WEBHOOK_AUTH_HEADER]: `Bearer ${TOKEN}` },
      { [WEBHOOK_AUTH_HEADER]: '' },
      { 'x-procore-token': TOKEN },
    ];
    for (const headers of variants) {
      expect(await post(event(), headers)).toMatchObject({ statusCode: 401 });
    }
    expect(await queued()).toEqual([]);
  });

  it('takes the header in any case (HTTP header names are case-insensitive)', async () => {
    expect(await post(event(), { Authorization: TOKEN })).toMatchObject({ statusCode: 202 });
    expect(await queued()).toHaveLength(1);
  });

  it('answers 400 to a body that is not JSON or not a v2 event, 413 past the size limit, 405 to a GET; nothing queued', async () => {
    const { ulid: _ulid, ...withoutUlid } = event();
    expect(await post('{not json')).toMatchObject({ statusCode: 400 });
    expect(await post(withoutUlid)).toMatchObject({ statusCode: 400 });
    expect(await post({ ...event(), event_type: 'archive' })).toMatchObject({ statusCode: 400 });
    expect(await post({ ...event(), company_id: '11' })).toMatchObject({ statusCode: 400 });
    expect(await post({ ...event(), metadata: { padding: 'x'.repeat(WEBHOOK_MAX_BODY_BYTES) } })).toMatchObject({ statusCode: 413 });
    expect(await post(event(), { [WEBHOOK_AUTH_HEADER]: TOKEN }, 'GET')).toMatchObject({ statusCode: 405 });
    expect(await queued()).toEqual([]);
  });
});

describe('receiver core', () => {
  const logs: string[] = [];
  const counted: string[] = [];
  const deps = (verified: boolean | Error) => ({
    verifier: { verify: async () => (verified instanceof Error ? Promise.reject(verified) : verified) },
    enqueue: jest.fn(async () => undefined),
    logger: {
      debug: () => undefined,
      info: (m: string, e?: object) => logs.push(m + JSON.stringify(e ?? {})),
      warn: (m: string, e?: object) => logs.push(m + JSON.stringify(e ?? {})),
      error: (m: string, e?: object) => logs.push(m + JSON.stringify(e ?? {})),
    },
    count: (name: string) => counted.push(name),
  });
  const request = (body: string, token = 'the-token') => ({ method: 'POST', headers: { [WEBHOOK_AUTH_HEADER]: token }, body, isBase64Encoded: false });

  beforeEach(() => {
    logs.length = 0;
    counted.length = 0;
  });

  it('counts every refusal by kind and logs what was wrong, never the header, the secret or the body', async () => {
    const secretish = 'hunter2-do-not-log';
    const malformed = JSON.stringify({ ...event(), ulid: secretish, metadata: { note: secretish } });
    expect(await receiveDelivery(request(malformed, secretish), deps(true))).toMatchObject({ statusCode: 400 });
    expect(await receiveDelivery(request('{', secretish), deps(true))).toMatchObject({ statusCode: 400 });
    expect(await receiveDelivery(request(JSON.stringify(event()), secretish), deps(false))).toMatchObject({ statusCode: 401 });
    expect(counted).toEqual([RECEIVER_METRICS.malformed, RECEIVER_METRICS.malformed, RECEIVER_METRICS.unauthenticated]);
    expect(logs.join('\n')).toContain('ulid: must be a 26-character ULID');
    expect(logs.join('\n')).not.toContain(secretish);
  });

  it('answers 503 (Procore retries) when the secret cannot be read or the queue refuses, queueing nothing twice', async () => {
    expect(await receiveDelivery(request(JSON.stringify(event())), deps(new Error('AccessDenied')))).toMatchObject({ statusCode: 503 });
    const failing = deps(true);
    failing.enqueue.mockRejectedValueOnce(new Error('ServiceUnavailable'));
    expect(await receiveDelivery(request(JSON.stringify(event())), failing)).toMatchObject({ statusCode: 503 });
    expect(counted).toEqual([RECEIVER_METRICS.unavailable, RECEIVER_METRICS.unavailable]);
  });

  it('compares tokens in constant time over equal-length digests, any value of the accepted set', () => {
    expect(tokenMatches('abc', ['abc'])).toBe(true);
    expect(tokenMatches('abc', ['zzz', 'abc'])).toBe(true);
    expect(tokenMatches('abc', ['abcd'])).toBe(false);
    expect(tokenMatches('', ['abc'])).toBe(false);
  });

  it('re-reads the secret on a mismatch at most once per interval, so bad tokens cannot flood Secrets Manager', async () => {
    let now = 0;
    const reads: boolean[] = [];
    const verifier = new HeaderTokenVerifier({
      tokens: async ({ forceFetch }) => {
        reads.push(forceFetch);
        return ['good'];
      },
      now: () => now,
      minRefreshMs: 10_000,
    });
    expect(await verifier.verify('bad')).toBe(false);
    expect(await verifier.verify('bad')).toBe(false);
    now += 10_000;
    expect(await verifier.verify('bad')).toBe(false);
    expect(await verifier.verify(undefined)).toBe(false);
    expect(reads).toEqual([false, true, false, false, true]);
  });

  it('a flood of bad headers costs at most one GetSecretValue of AWSPREVIOUS per cache age while there is none; a rotation is still seen at once', async () => {
    // moto, with every GetSecretValue counted by the version stage it asked for.
    const reads: string[] = [];
    const client = new SecretsManagerClient({});
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { VersionStage?: string };
        if (context.commandName === 'GetSecretValueCommand') reads.push(input.VersionStage ?? 'AWSCURRENT');
        return next(args);
      },
      { step: 'initialize' },
    );
    const id = `webhook-header-count-${randomUUID().slice(0, 8)}`;
    const first = `tok-${randomUUID()}`;
    await secrets.send(new CreateSecretCommand({ Name: id, SecretString: first }));
    let now = 1_000_000;
    const verifier = new HeaderTokenVerifier({
      tokens: secretsManagerTokens(id, {
        maxAgeSeconds: 300,
        now: () => now,
        current: new SecretsProvider({ awsSdkV3Client: client }),
        previous: new SecretsProvider({ awsSdkV3Client: client }),
      }),
      now: () => now,
      minRefreshMs: 10_000,
    });
    for (let i = 0; i < 50; i++) {
      expect(await verifier.verify(`bad-${i}`)).toBe(false);
      expect(await verifier.verify(first)).toBe(true);
      now += 1_000;
    }
    // 50 s: the first read of each stage, and one forced re-read of the current value per 10 s.
    const count = (stage: string) => reads.filter((s) => s === stage).length;
    expect(count('AWSPREVIOUS')).toBe(1);
    expect(count('AWSCURRENT')).toBe(1 + 5);
    // After the cache age the absence is asked about once more.
    now += 300_000;
    expect(await verifier.verify(first)).toBe(true);
    expect(count('AWSPREVIOUS')).toBe(2);
    // Rotation: the new value is read on the mismatch, and its change makes the previous one be read at once.
    const second = `tok-${randomUUID()}`;
    await secrets.send(new PutSecretValueCommand({ SecretId: id, SecretString: second }));
    now += 10_000;
    expect(await verifier.verify(second)).toBe(true);
    expect(await verifier.verify(first)).toBe(true);
    expect(count('AWSPREVIOUS')).toBe(3);
    expect(await verifier.verify(`bad-${randomUUID()}`)).toBe(false);
  });
});
