// The SigV4 signature of the functions' own SQS requests (functions/commons/aws/sqs-signature.ts)
// is the one the AWS SDK's signer makes for the same request at the same time: with and without
// temporary credentials, across regions, days and renewed secrets (the cached signing key), and for
// payloads with escapes and non-ASCII text. moto checks no signature; this is the check.
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { signSqsJsonRequest } from '../../functions/commons/aws/sqs-signature';
import { recomputedAuthorization, sha256 } from '../support/signed-request-capture';

const TEMPORARY = { accessKeyId: 'ASIASQSSIGNATURE', secretAccessKey: 'first-secret', sessionToken: 'IQoJb3JpZ2luX2VjE//session+token==' };
const LONG_TERM = { accessKeyId: 'AKIASQSSIGNATURE', secretAccessKey: 'second/secret+key' };
const PAYLOAD = Buffer.from(
  JSON.stringify({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/records', Entries: [{ Id: '0', MessageBody: '{"title":"é \\" \\u0001 ✓"}' }] }),
  'utf8',
);

async function sdkSigned(request: { host: string; region: string; payload: Buffer }, credentials: typeof LONG_TERM | typeof TEMPORARY, at: Date) {
  const signer = new SignatureV4({ service: 'sqs', region: request.region, credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  const [hostname, port] = request.host.split(':');
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: hostname!,
      ...(port ? { port: Number(port) } : {}),
      path: '/',
      query: {},
      headers: { host: request.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
      body: request.payload,
    },
    { signingDate: at },
  );
  return signed.headers;
}

it.each([
  ['temporary credentials, regional endpoint', { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1' }, TEMPORARY, '2026-11-30T16:07:09.123Z'],
  ['the same key again later that day', { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1' }, TEMPORARY, '2026-11-30T23:59:59.999Z'],
  ['the next day (a new signing key)', { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1' }, TEMPORARY, '2026-12-01T00:00:00.000Z'],
  ['long-term credentials, another region, a port', { host: '127.0.0.1:4566', region: 'us-east-1' }, LONG_TERM, '2026-12-01T00:00:01.000Z'],
  [
    'renewed credentials back in the first region',
    { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1' },
    { ...TEMPORARY, secretAccessKey: 'renewed-secret' },
    '2026-12-01T00:00:02.000Z',
  ],
])('signs as the SDK signs: %s', async (_case, target, credentials, at) => {
  const request = { ...target, target: 'AmazonSQS.SendMessageBatch', payload: PAYLOAD };
  const ours = signSqsJsonRequest(request, credentials, new Date(at));
  const sdk = await sdkSigned(request, credentials, new Date(at));
  expect(ours).toEqual({
    host: target.host,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'AmazonSQS.SendMessageBatch',
    'x-amz-date': sdk['x-amz-date'],
    ...('sessionToken' in credentials ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    authorization: sdk.authorization,
  });
  // And as AWS's steps compute it from the request as received.
  expect(ours.authorization).toBe(
    recomputedAuthorization({ method: 'POST', path: '/', headers: ours, payloadHash: sha256(PAYLOAD) }, { service: 'sqs', region: target.region, credentials }),
  );
});

it('a different payload is a different signature', () => {
  const at = new Date('2026-11-30T16:07:09Z');
  const request = { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1', target: 'AmazonSQS.SendMessageBatch' };
  const one = signSqsJsonRequest({ ...request, payload: PAYLOAD }, LONG_TERM, at).authorization;
  const other = signSqsJsonRequest({ ...request, payload: Buffer.concat([PAYLOAD, Buffer.from(' ')]) }, LONG_TERM, at).authorization;
  expect(one).not.toBe(other);
});
