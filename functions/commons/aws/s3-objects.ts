// The claim check's two S3 requests (PutObject, GetObject) as plain HTTPS requests signed with the
// AWS SDK's own SigV4 signer, instead of the S3 SDK client. Why: the pull worker and the webhook
// events consumer are bundled into one file each (NodejsFunction), so the S3 client came along
// whole even though only a record too large for one queue message uses it: measured with esbuild's
// metafile, bundled as the stack bundles them (minified ESM), the worker went from 917 to 747 KiB
// and the events consumer from 886 to 717 KiB (2026-11-30: client-s3 126 kB, checksums 13,
// middleware-sdk-s3 11, S3's share of @smithy/core 10, xml-builder 1.4). The signer, Sha256 and the
// credential chain were already in those bundles for the SQS and DynamoDB clients: this adds only
// this file and aws-request-error.ts.
//
// Each request is sent through Node's fetch (which Powertools Tracer traces). A failure that may
// pass (no answer, 5xx, 429, SlowDown, RequestTimeout) is tried again up to `maxAttempts` times in
// all with jittered exponential backoff, as the SDK's standard retry mode did; what is left is an
// AwsRequestError for the functions' failure policy (aws-request-error.ts).
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest, Provider } from '@smithy/types';
import type { Sleep } from '../procore/timing';
import { noAnswer, withAwsRetries } from './aws-request-error';

export interface S3ObjectLocation {
  bucket: string;
  key: string;
}

export interface S3PutObject extends S3ObjectLocation {
  body: Buffer;
  contentType: string;
  /** SHA-256 of `body`, hex: signed as the payload hash and sent as its checksum, so S3 refuses a body altered on the way. */
  sha256: string;
}

export interface S3Objects {
  /** PutObject (s3:PutObject). */
  put(object: S3PutObject): Promise<void>;
  /** GetObject (s3:GetObject): the object's bytes. */
  get(location: S3ObjectLocation): Promise<Buffer>;
}

export interface S3ObjectsOptions {
  /** Unset: every request fails, naming AWS_REGION. */
  region: string | undefined;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** A local S3 (moto): buckets addressed by path there. Unset: AWS's virtual-hosted endpoints. */
  endpoint?: string | undefined;
  /** Attempts per request, the first included. @default 3 (the SDK's standard retry mode) */
  maxAttempts?: number;
  fetch?: typeof fetch;
  sleep?: Sleep;
  random?: () => number;
}

/** SHA-256 of an empty payload: the payload hash of a GET. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type Operation = 'PutObject' | 'GetObject';

interface ObjectRequest {
  method: 'PUT' | 'GET';
  headers: Record<string, string>;
  body?: Buffer;
}

export function s3Objects(options: S3ObjectsOptions): S3Objects {
  const signer = new SignatureV4({
    service: 's3',
    region: () => Promise.resolve(requireRegion(options.region)),
    credentials: options.credentials,
    sha256: Sha256,
    // S3 takes the path as sent (each key segment encoded once), not encoded twice like other services.
    uriEscapePath: false,
  });
  const sending = { ...options, signer };
  // Each call names its S3 operation as a literal: the stack's rule book (test/infra/handler-calls.ts)
  // reads `signedS3Request("<Operation>"` in a handler's bundle as the IAM action s3:<Operation>.
  return {
    async put({ body, contentType, sha256, ...location }) {
      await signedS3Request('PutObject', location, putRequest(body, contentType, sha256), sending);
    },
    get: (location) => signedS3Request('GetObject', location, { method: 'GET', headers: { 'x-amz-content-sha256': EMPTY_SHA256 } }, sending),
  };
}

/** The S3 objects of the functions' own AWS environment: Lambda's region and role credentials (the SDK's default chain), or moto's endpoint locally. */
export function s3ObjectsFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Objects {
  return s3Objects({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    credentials: defaultProvider(),
    endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || undefined,
  });
}

function putRequest(body: Buffer, contentType: string, sha256: string): ObjectRequest {
  return {
    method: 'PUT',
    headers: {
      'content-type': contentType,
      'x-amz-content-sha256': sha256,
      'x-amz-checksum-sha256': Buffer.from(sha256, 'hex').toString('base64'),
    },
    body,
  };
}

function requireRegion(region: string | undefined): string {
  if (!region) throw new Error('S3 requests need a region: AWS_REGION is not set');
  return region;
}

/**
 * Where an object is. On AWS, virtual-hosted style, `https://bucket-name.s3.region-code.amazonaws.com/key-name`
 * (`.amazonaws.com.cn` in China), https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html;
 * a bucket name with dots, which TLS's wildcard certificate does not match (same page), by path on the
 * regional endpoint. A local endpoint (moto) has no per-bucket host names: by path there.
 */
function objectUrl({ bucket, key }: S3ObjectLocation, { region, endpoint }: Pick<S3ObjectsOptions, 'region' | 'endpoint'>): URL {
  const path = key.split('/').map(encodeUriSegment).join('/');
  if (endpoint) return new URL(`${endpoint.replace(/\/+$/, '')}/${bucket}/${path}`);
  const regionCode = requireRegion(region);
  const host = `s3.${regionCode}.${regionCode.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  return bucket.includes('.') ? new URL(`https://${host}/${bucket}/${path}`) : new URL(`https://${bucket}.${host}/${path}`);
}

/** RFC 3986 encoding of one path segment, as SigV4's canonical URI has it (encodeURIComponent leaves !'()* alone). */
function encodeUriSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sends one S3 request, signed afresh for each attempt; the answer's body on 2xx, otherwise AwsRequestError. */
function signedS3Request(
  operation: Operation,
  location: S3ObjectLocation,
  request: ObjectRequest,
  options: S3ObjectsOptions & { signer: SignatureV4 },
): Promise<Buffer> {
  const url = objectUrl(location, options);
  const what = { service: 'S3', operation, target: `s3://${location.bucket}/${location.key}` } as const;
  return withAwsRetries<Buffer>(
    what,
    async () => {
      // Signing (credentials) fails as itself: it is not S3's answer and not the network's.
      const headers = await signedHeaders(options.signer, url, request);
      try {
        const response = await (options.fetch ?? fetch)(url, { method: request.method, headers, body: request.body, redirect: 'manual' });
        const body = Buffer.from(await response.arrayBuffer());
        if (response.ok) return { value: body };
        return {
          failure: { status: response.status, code: s3ErrorCode(body.toString('utf8')), requestId: response.headers.get('x-amz-request-id') ?? undefined },
        };
      } catch (error) {
        return { failure: noAnswer(error) };
      }
    },
    { maxAttempts: options.maxAttempts ?? 3, sleep: options.sleep, random: options.random },
  );
}

/** `<Code>` of an S3 error body (`<Error><Code>AccessDenied</Code>…`). Only the code: other elements can echo the request's signing details. */
function s3ErrorCode(body: string): string | undefined {
  return /<Code>([A-Za-z0-9.]{1,100})<\/Code>/.exec(body)?.[1];
}

/** The request's headers with SigV4's (x-amz-date, x-amz-security-token, authorization); host is fetch's to send. */
async function signedHeaders(signer: SignatureV4, url: URL, request: ObjectRequest): Promise<Record<string, string>> {
  const unsigned: HttpRequest = {
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { ...request.headers, host: url.host },
    body: request.body,
  };
  const { host: _host, ...headers } = (await signer.sign(unsigned)).headers;
  return headers;
}
