// Dead letters the connector writes (issue 13, rule 7): the reason is the connector's alone (a
// producer's own connector.* attributes are dropped), every attribute value is text SQS accepts,
// and a body up to SQS's 1 MiB still reaches the DLQ with its reason (moto checks the sizes).
import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { deadLetterFor, deadLetterMessage, FAILURE_ATTRIBUTE_NAMES, readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { MAX_MESSAGE_BYTES } from '../../functions/commons/queues/message-size';
import { messageBytes, type OutgoingMessage } from '../../functions/commons/queues/sqs-batch-sender';
import { unwrapBody } from '../../functions/commons/queues/wrapped-body';
import { receiveMessages } from '../../local/sqs-event-source';

function record(body: string, messageAttributes: SQSRecord['messageAttributes'] = {}): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body,
    attributes: { ApproximateReceiveCount: '2', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:push',
    awsRegion: 'us-east-1',
  };
}

const failure = { kind: 'permanent' as const, errorClass: 'SchemaInvalid', reason: 'invalid push message: id: required' };
const str = (value: string) => ({ dataType: 'String', stringValue: value }) as SQSRecord['messageAttributes'][string];

// SQS's allowed characters (XML 1.0 Char): #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
const SQS_TEXT = /^(?:[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

describe("dead letters: the reason is the connector's, and SQS can carry it", () => {
  it('drops every connector.* attribute a producer set (any case), keeping its others', () => {
    const forged = record('{}', {
      'connector.errorClass': str('AllGood'),
      'connector.httpStatus': { dataType: 'Number', stringValue: '200' } as SQSRecord['messageAttributes'][string],
      'Connector.ErrorMessage': str('nothing to see'),
      source: str('erp'),
    });
    const message = deadLetterMessage(deadLetterFor(forged, failure));
    expect(Object.keys(message.attributes ?? {}).sort()).toEqual([
      'connector.attempts',
      'connector.errorClass',
      'connector.errorMessage',
      'connector.failedAt',
      'source',
    ]);
    expect(readFailureAttributes(message.attributes)).toEqual({ errorClass: 'SchemaInvalid', message: failure.reason, attempts: 2 });
  });

  it('writes characters SQS refuses as \\uXXXX: control characters, lone surrogates, U+FFFF', () => {
    const hostile = { ...failure, errorClass: 'Weird\u0007Class', reason: 'bad \u0000\u001b[31m red \ud800 lone \udfff and \uffff end, tab\tkept, 😀 kept' };
    const message = deadLetterMessage(deadLetterFor(record('{}'), hostile));
    for (const value of Object.values(message.attributes ?? {})) expect(value.StringValue).toMatch(SQS_TEXT);
    expect(message.attributes?.[FAILURE_ATTRIBUTE_NAMES.message]?.StringValue).toBe(
      'bad \\u0000\\u001B[31m red \\uD800 lone \\uDFFF and \\uFFFF end, tab\tkept, 😀 kept',
    );
    expect(message.attributes?.[FAILURE_ATTRIBUTE_NAMES.errorClass]?.StringValue).toBe('Weird\\u0007Class');
  });
});

describe("dead letters up to SQS's 1 MiB, against moto", () => {
  const sqs = new SQSClient({});
  let queueUrl: string;

  beforeAll(async () => {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `dead-letter-size-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
  });

  async function roundTrip(message: OutgoingMessage) {
    expect(messageBytes(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.body, MessageAttributes: message.attributes }));
    const [received] = await receiveMessages(sqs, queueUrl, 1, { waitTimeSeconds: 1 });
    return received!;
  }

  const bodyOf = (bytes: number) => JSON.stringify({ version: 1, id: 'big', data: { note: 'x'.repeat(bytes - 40) } }).padEnd(bytes, ' ');

  it("keeps a 900 KiB body byte for byte with the full reason and the producer's attributes", async () => {
    const body = bodyOf(900 * 1024);
    const message = deadLetterMessage(deadLetterFor(record(body, { source: str('erp') }), failure));
    const received = await roundTrip(message);
    expect(received.Body).toBe(body);
    expect(readFailureAttributes(received.MessageAttributes)).toMatchObject({ errorClass: 'SchemaInvalid', message: failure.reason });
    expect(received.MessageAttributes?.source?.StringValue).toBe('erp');
  });

  it('shortens the reason for a body just under 1 MiB that has no producer attributes to lose', async () => {
    const body = bodyOf(MAX_MESSAGE_BYTES - 150);
    const message = deadLetterMessage(deadLetterFor(record(body), { ...failure, reason: 'r'.repeat(900) }));
    const received = await roundTrip(message);
    expect(received.Body).toBe(body);
    const reason = readFailureAttributes(received.MessageAttributes);
    expect(reason?.errorClass).toBe('SchemaInvalid');
    expect(reason?.message.length).toBeGreaterThanOrEqual(16);
  });

  it("wraps a body just under 1 MiB with the producer's attributes, so both can be restored", async () => {
    const body = bodyOf(MAX_MESSAGE_BYTES - 150);
    const message = deadLetterMessage(deadLetterFor(record(body, { source: str('erp') }), { ...failure, reason: 'r'.repeat(900) }));
    const received = await roundTrip(message);
    expect(received.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.bodyWrapped]?.StringValue).toBe('gzip-base64');
    expect(readFailureAttributes(received.MessageAttributes)).toMatchObject({ errorClass: 'SchemaInvalid', message: 'r'.repeat(900) });
    expect(unwrapBody(received.Body!)).toEqual({ ok: true, body, attributes: { source: { DataType: 'String', StringValue: 'erp' } } });
  });

  it('keeps only the size and SHA-256 of a body that does not fit even gzipped, and says so', async () => {
    const body = randomBytes(MAX_MESSAGE_BYTES)
      .toString('base64')
      .slice(0, MAX_MESSAGE_BYTES - 10);
    const received = await roundTrip(deadLetterMessage(deadLetterFor(record(body), failure)));
    expect(received.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.bodyWrapped]?.StringValue).toBe('dropped: too large even gzipped');
    expect(unwrapBody(received.Body!)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the body \(\d+ bytes, SHA-256 [0-9a-f]{64}\) was too large to keep even gzipped$/),
    });
  });

  it('wraps a body within bytes of 1 MiB, gzipped, so it still travels with its reason', async () => {
    const body = bodyOf(MAX_MESSAGE_BYTES - 10);
    const message = deadLetterMessage(deadLetterFor(record(body), failure));
    const received = await roundTrip(message);
    expect(received.MessageAttributes?.[FAILURE_ATTRIBUTE_NAMES.bodyWrapped]?.StringValue).toBe('gzip-base64');
    expect(readFailureAttributes(received.MessageAttributes)?.errorClass).toBe('SchemaInvalid');
    const wrapper = JSON.parse(received.Body!) as { bodyBytes: number; bodyGzipBase64: string };
    expect(wrapper.bodyBytes).toBe(Buffer.byteLength(body));
    expect(gunzipSync(Buffer.from(wrapper.bodyGzipBase64, 'base64')).toString('utf8')).toBe(body);
  });
});
