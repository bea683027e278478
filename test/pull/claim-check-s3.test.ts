// The claim check's S3 requests without the S3 SDK (functions/commons/aws/s3-objects.ts): a round
// trip through moto, read back with the S3 SDK; and, since moto does not check SigV4 signatures, the
// request's shape as a local server receives it, its Authorization recomputed here from the SigV4
// steps (not with the signer that made it); addressing on AWS; S3's error answers and retries; the
// size and SHA-256 check of a record read back.
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3Objects, s3ObjectsFromEnvironment, type S3ObjectsOptions } from '../../functions/commons/aws/s3-objects';
import { AwsRequestError } from '../../functions/commons/aws/aws-request-error';
import { classify } from '../../functions/commons/failure/classify';
import { checkInRecord, fetchClaimCheckedRecord } from '../../functions/pull/claim-check';
import { envelopeFor } from '../../functions/pull/record-envelopes';
import { captureServer, recomputedAuthorization, sha256, type Received } from '../support/signed-request-capture';

const CREDENTIALS = { accessKeyId: 'AKIDCLAIMCHECK', secretAccessKey: 'claim-check-secret-key', sessionToken: 'claim-check-session-token' };
const REGION = 'eu-west-1';
const KEY = "records/production/rfis/42/7/it's (a+b) é/ab12.json";
const ENCODED_KEY = 'records/production/rfis/42/7/it%27s%20%28a%2Bb%29%20%C3%A9/ab12.json';
/** SigV4's Authorization for S3 in REGION, recomputed from the request as received. */
const recomputedS3Authorization = (method: string, path: string, headers: Record<string, string>) =>
  recomputedAuthorization(
    { method, path, headers, payloadHash: headers['x-amz-content-sha256']! },
    { service: 's3', region: REGION, credentials: CREDENTIALS },
  );

describe('claim-check objects in moto', () => {
  const sdk = new S3Client({ forcePathStyle: true });
  const bucket = `claim-check-s3-${Date.now()}`;
  beforeAll(() => sdk.send(new CreateBucketCommand({ Bucket: bucket })));

  // The checksum header is as the S3 SDK sent it (x-amz-checksum-sha256 alone, no x-amz-sdk-checksum-algorithm),
  // which moto stores only with the latter: the header is asserted on the local server below instead.
  it('puts an object the S3 SDK reads back byte for byte, and gets it again', async () => {
    const objects = s3ObjectsFromEnvironment();
    const body = Buffer.from(JSON.stringify({ id: 1, question: 'é'.repeat(100_000) }), 'utf8');
    await objects.put({ bucket, key: KEY, body, contentType: 'application/json', sha256: sha256(body) });
    const read = await sdk.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }));
    expect(Buffer.from(await read.Body!.transformToByteArray())).toEqual(body);
    expect(read.ContentType).toBe('application/json');
    await expect(objects.get({ bucket, key: KEY })).resolves.toEqual(body);
  });

  it('a missing object is an error naming GetObject, the object, 404 and NoSuchKey, classified as S3 errors were (transient)', async () => {
    const error = await s3ObjectsFromEnvironment()
      .get({ bucket, key: 'records/none.json' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect((error as Error).message).toMatch(new RegExp(`^S3 GetObject s3://${bucket}/records/none\\.json: HTTP 404 NoSuchKey`));
    expect(classify(error)).toMatchObject({ kind: 'transient', errorClass: 'NoSuchKey' });
  });

  it('checks a claim-checked record read back against its size and SHA-256', async () => {
    const objects = s3ObjectsFromEnvironment();
    const record = { id: 7, subject: 'x'.repeat(2_000_000) };
    const scope = { companyId: 42, projectId: 7, resource: 'rfis' as const };
    const envelope = await checkInRecord(envelopeFor(record, { environment: 'production', scope, syncedAt: '2026-01-15T12:00:00Z' }), { s3: objects, bucket });
    const claimCheck = envelope.claimCheck!;
    await expect(fetchClaimCheckedRecord(objects, claimCheck)).resolves.toEqual(record);
    await expect(fetchClaimCheckedRecord(objects, { ...claimCheck, bytes: claimCheck.bytes + 1 })).rejects.toThrow(
      `got ${claimCheck.bytes} bytes with SHA-256 ${claimCheck.sha256}, the envelope says ${claimCheck.bytes + 1} bytes`,
    );
    // The object replaced behind the envelope's back (same size, other content).
    const other = Buffer.from(JSON.stringify({ ...record, subject: 'y'.repeat(2_000_000) }), 'utf8');
    await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: claimCheck.key, Body: other }));
    await expect(fetchClaimCheckedRecord(objects, claimCheck)).rejects.toThrow(`with SHA-256 ${sha256(other)}, the envelope says`);
  });
});

describe('claim-check objects: the requests as S3 receives them', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers = [];
  });
  const objectsAt = async (answers: { status: number; body?: string }[], options: Partial<S3ObjectsOptions> = {}) => {
    const capture = await captureServer(answers);
    servers.push(capture.server);
    const sleeps: number[] = [];
    const objects = s3Objects({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: capture.endpoint,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      ...options,
    });
    return { objects, received: capture.received, sleeps, host: new URL(capture.endpoint).host };
  };
  const body = Buffer.from('{"id":1}', 'utf8');
  const put = { bucket: 'claims', key: KEY, body, contentType: 'application/json', sha256: sha256(body) };

  it('PutObject: path-style on a local endpoint, each key segment encoded once, body with its SHA-256, SigV4-signed for s3 in the region', async () => {
    const { objects, received, host } = await objectsAt([{ status: 200 }]);
    await objects.put(put);
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect({ method: request.method, url: request.url, body: request.body }).toEqual({ method: 'PUT', url: `/claims/${ENCODED_KEY}`, body });
    const headers = request.headers as Record<string, string>;
    expect(headers).toMatchObject({
      host,
      'content-type': 'application/json',
      'x-amz-content-sha256': sha256(body),
      'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
      'x-amz-security-token': CREDENTIALS.sessionToken,
    });
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDCLAIMCHECK\/\d{8}\/eu-west-1\/s3\/aws4_request, /);
    expect(/SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]!.split(';')).toEqual(
      expect.arrayContaining(['content-type', 'host', 'x-amz-checksum-sha256', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']),
    );
    expect(headers.authorization).toBe(recomputedS3Authorization('PUT', `/claims/${ENCODED_KEY}`, headers));
  });

  it('GetObject: signed with the empty payload hash; the body is what S3 sent', async () => {
    const { objects, received } = await objectsAt([{ status: 200, body: '{"id":1}' }]);
    await expect(objects.get({ bucket: 'claims', key: KEY })).resolves.toEqual(body);
    const headers = received[0]!.headers as Record<string, string>;
    expect(received[0]!.method).toBe('GET');
    expect(headers['x-amz-content-sha256']).toBe(sha256(''));
    expect(headers.authorization).toBe(recomputedS3Authorization('GET', `/claims/${ENCODED_KEY}`, headers));
  });

  it('on AWS: virtual-hosted (bucket.s3.region.amazonaws.com), the signature over that host', async () => {
    const sent: { url: URL; init: RequestInit }[] = [];
    const fakeFetch = (async (url: URL, init: RequestInit) => {
      sent.push({ url, init });
      return new Response(null, { status: 200 });
    }) as typeof fetch;
    await s3Objects({ region: REGION, credentials: CREDENTIALS, fetch: fakeFetch }).put(put);
    await s3Objects({ region: 'cn-north-1', credentials: CREDENTIALS, fetch: fakeFetch }).get({ bucket: 'claims', key: 'a.json' });
    await s3Objects({ region: REGION, credentials: CREDENTIALS, fetch: fakeFetch }).get({ bucket: 'claims.with.dots', key: 'a.json' });
    expect(sent.map(({ url }) => url.href)).toEqual([
      `https://claims.s3.eu-west-1.amazonaws.com/${ENCODED_KEY}`,
      'https://claims.s3.cn-north-1.amazonaws.com.cn/a.json',
      'https://s3.eu-west-1.amazonaws.com/claims.with.dots/a.json',
    ]);
    const headers: Record<string, string> = { ...(sent[0]!.init.headers as Record<string, string>), host: 'claims.s3.eu-west-1.amazonaws.com' };
    expect(headers.authorization).toBe(recomputedS3Authorization('PUT', `/${ENCODED_KEY}`, headers));
  });

  it('403 AccessDenied: one attempt, an error naming the operation, object, status, code and request id, and nothing of the signature', async () => {
    const denied = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><AWSAccessKeyId>${CREDENTIALS.accessKeyId}</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 signed</StringToSign></Error>`;
    const { objects, received, sleeps } = await objectsAt([{ status: 403, body: denied }]);
    const error = (await objects.put(put).catch((e: unknown) => e)) as AwsRequestError;
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error.message).toBe(`S3 PutObject s3://claims/${KEY}: HTTP 403 AccessDenied, request id req-1 after 1 attempt`);
    for (const secret of [CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken, 'Signature', 'StringToSign']) {
      expect(error.message).not.toContain(secret);
    }
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(classify(error)).toEqual({ kind: 'transient', errorClass: 'AccessDenied', reason: error.message });
  });

  it('503 SlowDown is tried again with backoff, each attempt signed afresh; after the last attempt the error says so', async () => {
    const slowDown = { status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' };
    const recovering = await objectsAt([slowDown, { status: 500, body: '<Error><Code>InternalError</Code></Error>' }, { status: 200 }]);
    await recovering.objects.put(put);
    expect(recovering.received).toHaveLength(3);
    expect(recovering.sleeps).toEqual([100, 200]);
    for (const request of recovering.received) {
      const headers = request.headers as Record<string, string>;
      expect(headers.authorization).toBe(recomputedS3Authorization('PUT', `/claims/${ENCODED_KEY}`, headers));
    }

    const failing = await objectsAt([slowDown], { maxAttempts: 4 });
    await expect(failing.objects.put(put)).rejects.toThrow(`S3 PutObject s3://claims/${KEY}: HTTP 503 SlowDown, request id req-4 after 4 attempts`);
    expect(failing.received).toHaveLength(4);
    expect(failing.sleeps).toEqual([100, 200, 400]);
  });

  it('no answer (connection refused) is tried again, then a NetworkError', async () => {
    const closed = await captureServer([]);
    await new Promise((resolve) => closed.server.close(resolve));
    const { objects, sleeps } = await objectsAt([], { endpoint: closed.endpoint, random: () => 1 });
    const error = await objects.get({ bucket: 'claims', key: 'a.json' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^S3 GetObject s3:\/\/claims\/a\.json: no answer \(ECONNREFUSED: .*\) after 3 attempts$/);
    expect(sleeps).toEqual([200, 400]);
    expect(classify(error)).toMatchObject({ kind: 'transient', errorClass: 'NetworkError' });
  });
});
