// The real webhook events consumer beside a pull harness: a moto events queue (and DLQ) it is fed
// from, and one event source batch at a time played through the handler as Lambda's event source
// would. Webhook tests that post events themselves share it.
import { randomUUID } from 'node:crypto';
import { ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WebhookEvent } from '../../../functions/commons/contracts/webhook-event';
import { queueArn } from '../../../cli/aws/sqs';
import { lambdaContext } from '../../../local/lambda-context';
import { receiveMessages, sqsRecordFromMessage } from '../../../local/sqs-event-source';
import type { PullHarness, ReceivedRecord } from '../../pull/support/pull-harness';

type Consumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface EventsConsumer {
  events: string;
  eventsDlq: string;
  /**
   * Queues the events, then plays one event source batch (up to 100) through the consumer: what it
   * failed, what reached records, the Procore REST requests it made. Failed messages are made visible
   * again at once (instead of after the visibility timeout), so the next call receives them again, as SQS would later.
   */
  deliver(sent: (WebhookEvent | string)[], timeoutMs?: number): Promise<{ failed: number; records: ReceivedRecord[]; requests: number }>;
}

export async function startEventsConsumer(h: PullHarness, env: { WEBHOOK_RESOURCES: string } & Record<string, string>): Promise<EventsConsumer> {
  const suffix = randomUUID().slice(0, 8);
  const eventsDlq = (await h.sqs.send(new CreateQueueCommand({ QueueName: `webhook-events-dlq-${suffix}` }))).QueueUrl!;
  const events = (await h.sqs.send(new CreateQueueCommand({ QueueName: `webhook-events-${suffix}`, Attributes: { VisibilityTimeout: '30' } }))).QueueUrl!;
  Object.assign(process.env, { WEBHOOK_EVENTS_QUEUE_URL: events, WEBHOOK_EVENTS_DLQ_URL: eventsDlq, ...env });
  const { handler: consumer } = (await import('../../../functions/webhooks/events-handler')) as unknown as { handler: Consumer };
  return {
    events,
    eventsDlq,
    async deliver(sent, timeoutMs = 60_000) {
      for (let i = 0; i < sent.length; i += 10) {
        const entries = sent.slice(i, i + 10).map((e, n) => ({ Id: String(n), MessageBody: typeof e === 'string' ? e : JSON.stringify(e) }));
        await h.sqs.send(new SendMessageBatchCommand({ QueueUrl: events, Entries: entries }));
      }
      h.sim.clearRequests();
      let failed = 0;
      const records = await h.collectRecords(async () => {
        const messages = await receiveMessages(h.sqs, events, 100);
        const arn = await queueArn(h.sqs, events);
        const response = await consumer({ Records: messages.map((m) => sqsRecordFromMessage(m, arn)) }, lambdaContext({ timeoutMs, functionName: 'events' }));
        const failures = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        failed = failures.size;
        for (const m of messages) {
          if (failures.has(m.MessageId ?? '')) {
            await h.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: events, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
          } else await h.sqs.send(new DeleteMessageCommand({ QueueUrl: events, ReceiptHandle: m.ReceiptHandle }));
        }
      });
      return { failed, records, requests: h.sim.countRequests((r) => r.path.includes('/rest/')) };
    },
  };
}
