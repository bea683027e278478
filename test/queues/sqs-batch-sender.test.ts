// Delivery batching: SendMessageBatch calls within SQS's limits (10 entries, 1 MiB), against moto
// (calls counted as they cross the wire by the bench's counting proxy).
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startAwsRequestCounter } from '../../bench/aws-request-counter';
import { deleteMessages } from '../../cli/aws/sqs';
import { receiveMessages } from '../../local/sqs-event-source';
import {
  exceedsBytes,
  messageBytes,
  packBatches,
  sendMessageBatches,
  trySendMessageBatches,
  SQS_MAX_PAYLOAD_BYTES,
  type OutgoingMessage,
} from '../../functions/commons/queues/sqs-batch-sender';

const sqs = new SQSClient({});
const KIB = 1024;

function message(bytes: number, tag: string): OutgoingMessage {
  const attributes = { tag: { DataType: 'String', StringValue: tag } };
  const overhead = messageBytes({ body: '', attributes });
  return { body: 'x'.repeat(bytes - overhead), attributes };
}

describe('SQS batch packing', () => {
  it('closes a batch at 10 entries', () => {
    const batches = packBatches(Array.from({ length: 25 }, (_, i) => message(100, String(i))));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('closes a batch before it would pass 1 MiB, counting attributes, and keeps the order', () => {
    const sizes = [400, 400, 224, 800, 1000, 40, 4].map((k) => k * KIB);
    const messages = sizes.map((size, i) => message(size, String(i)));
    const batches = packBatches(messages);
    // 400+400+224 = 1 MiB fits exactly; 1000+40 would not.
    expect(batches.map((b) => b.map((m) => m.attributes!.tag!.StringValue))).toEqual([['0', '1', '2'], ['3'], ['4'], ['5', '6']]);
    for (const batch of batches) expect(batch.reduce((sum, m) => sum + messageBytes(m), 0)).toBeLessThanOrEqual(SQS_MAX_PAYLOAD_BYTES);
  });

  it('tells a message over the limit from one at it, counting multi-byte text and attributes exactly', () => {
    const attributes = { note: { DataType: 'String', StringValue: 'é' } };
    const overhead = messageBytes({ body: '', attributes });
    // 'é' is 2 bytes in UTF-8: the 3-bytes-per-unit bound says "may exceed", the exact count decides.
    const atLimit = { body: 'é'.repeat((SQS_MAX_PAYLOAD_BYTES - overhead) / 2), attributes };
    expect(messageBytes(atLimit)).toBe(SQS_MAX_PAYLOAD_BYTES);
    expect(exceedsBytes(atLimit, SQS_MAX_PAYLOAD_BYTES)).toBe(false);
    expect(exceedsBytes({ ...atLimit, body: `${atLimit.body}x` }, SQS_MAX_PAYLOAD_BYTES)).toBe(true);
    expect(exceedsBytes({ body: '€'.repeat(100) }, 300)).toBe(false);
    expect(exceedsBytes({ body: '€'.repeat(100) }, 299)).toBe(true);
    expect(exceedsBytes({ body: 'x', attributes: { b: { DataType: 'Binary', BinaryValue: new Uint8Array(300) } } }, 300)).toBe(true);
  });

  it('refuses a single message over the limit instead of sending it', () => {
    expect(() => packBatches([message(SQS_MAX_PAYLOAD_BYTES + 1, 'big')])).toThrow(/exceeds the SQS limit/);
  });
});

describe('SQS batch sending (moto)', () => {
  it('delivers large and small messages, each once, in calls SQS accepts', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `pull-batches-${randomUUID().slice(0, 8)}` }));
    const messages = [200, 120, 120, 30, 1, 1, 1, 240].map((k, i) => message(k * KIB, `m${i}`));
    const counter = await startAwsRequestCounter(process.env.AWS_ENDPOINT_URL!);
    try {
      await sendMessageBatches(new SQSClient({ endpoint: counter.endpoint }), QueueUrl!, messages, { concurrency: 2 });
      expect(counter.counts()).toEqual({ 'AmazonSQS.SendMessageBatch': packBatches(messages).length });
    } finally {
      await counter.close();
    }

    const received = await receiveMessages(sqs, QueueUrl!, 20, { visibilityTimeout: 60 });
    expect(received.map((m) => m.MessageAttributes?.tag?.StringValue).sort()).toEqual(messages.map((m) => m.attributes!.tag!.StringValue).sort());
    await deleteMessages(sqs, QueueUrl!, received);
  });

  it('reports a message too large for SQS by its index and still sends the others', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `try-batches-${randomUUID().slice(0, 8)}` }));
    const messages = [message(1 * KIB, 'small-0'), message(SQS_MAX_PAYLOAD_BYTES + 1, 'huge'), message(1 * KIB, 'small-2')];
    const failures = await trySendMessageBatches(sqs, QueueUrl!, messages);
    expect(failures).toEqual([expect.objectContaining({ index: 1, code: 'MessageTooLong', senderFault: true })]);
    const received = await receiveMessages(sqs, QueueUrl!, 10, { visibilityTimeout: 60 });
    expect(received.map((m) => m.MessageAttributes?.tag?.StringValue).sort()).toEqual(['small-0', 'small-2']);
    await deleteMessages(sqs, QueueUrl!, received);
  });
});
