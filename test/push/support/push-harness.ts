// The push path's test bench: the Procore simulator, moto queues (push queue with its DLQ and
// redrive policy, results queue), a state table and the DMSA secret, wired to the REAL push handler
// through its environment variables. Batches are built the way Lambda builds them: from messages
// actually received off the moto push queue; successes are deleted, batch item failures are left.
// close() fails the test file when a Procore write carried an origin_id no sent message carried.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readFailureAttributes, type FailureReason } from '../../../functions/commons/queues/dead-letter';
import { PushResultSchema, type PushResult } from '../../../functions/commons/contracts/push-result';
import { redriveMaxReceiveCount } from '../../../functions/commons/failure/decisions';
import { createStateTable } from '../../../local/create-state-table';
import { lambdaContext } from '../../../local/lambda-context';
import { deleteMessages, queueArn } from '../../../cli/aws/sqs';
import { receiveMessages, sqsRecordFromMessage } from '../../../local/sqs-event-source';
import { startSimulator, type ProcoreSimulator, type SimulatorOptions } from '../../../simulator';
import { installedCompany, simulatorEnvironment, storeSimulatorSecret } from '../../support/simulator-connection';
import { guardOriginIds } from './origin-id-guard';

type PushHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The handler's attempts at a message, told to it as the stack tells it (the queue's redrive allows one receive more). */
export const MAX_ATTEMPTS = 5;

export interface PlayedBatch {
  messages: Message[];
  response: SQSBatchResponse;
  /** Message ids reported as batch item failures. */
  failed: string[];
  /** The message id SQS gave the message whose body is `body`. */
  messageIdOf(body: string): string;
}

export interface DeadLetter {
  body: string;
  reason: FailureReason;
  attributes: Message['MessageAttributes'];
}

export interface PushHarness {
  sim: ProcoreSimulator;
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  tableName: string;
  queues: { push: string; pushArn: string; dlq: string; results: string };
  companyId: number;
  projectId: number;
  handler: PushHandler;
  /** Sends bodies (objects are JSON-encoded, strings go as they are); FIFO: with group ids. */
  send(bodies: (unknown | string)[], options?: { groupId?: (index: number) => string; attributes?: Record<string, MessageAttributeValue> }): Promise<string[]>;
  /** Receives up to `batchSize` messages, invokes the handler with them, deletes what succeeded. */
  play(options?: { batchSize?: number; timeoutMs?: number }): Promise<PlayedBatch>;
  /** Every message on the DLQ so far (received once, kept here; the DLQ is not drained twice). */
  deadLetters(): Promise<DeadLetter[]>;
  results(): Promise<PushResult[]>;
  queueCounts(): Promise<{ visible: number; inFlight: number }>;
  /** Stops the simulator; throws when a write carried an origin_id no sent message carried (origin-id-guard.ts). */
  close(): Promise<void>;
}

/** The ids of the messages whose result says applied, sorted. */
export function appliedIds(results: readonly PushResult[]): PushResult['id'][] {
  return results
    .filter((r) => r.status === 'applied')
    .map((r) => r.id)
    .sort();
}

export function bodyOf(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

export async function startPushHarness(options: {
  simulator?: SimulatorOptions;
  fifo?: boolean;
  /** The push queue's own visibility timeout (what a batch item failure waits without a delay). */
  visibilityTimeoutSeconds?: number;
  /** false: the DMSA secret the handler is told to read does not exist. */
  createSecret?: boolean;
  /** More handler environment (e.g. DECLARED_RESOURCES). */
  env?: Record<string, string>;
}): Promise<PushHarness> {
  // Powertools reads these when the handler module loads; keep test output readable.
  process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
  process.env.POWERTOOLS_DEV = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const suffix = randomUUID().slice(0, 8);
  // The simulator's clock starts at real time, so Procore's reset times agree with the handler's.
  const sim = await startSimulator({
    now: Date.now(),
    data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 3 },
    ...options.simulator,
  });
  // Endpoint from the environment even for moto's queue URLs (a test may put a proxy there).
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const dynamo = new DynamoDBClient({});
  const tableName = `push-state-${suffix}`;
  await createStateTable(dynamo, tableName);
  const fifo = options.fifo ?? false;
  const fifoAttributes = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
  const name = (base: string) => `${base}-${suffix}${fifo ? '.fifo' : ''}`;
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: name('push-dlq'), Attributes: fifoAttributes }))).QueueUrl!;
  const dlqArn = await queueArn(sqs, dlq);
  const push = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name('push'),
        Attributes: {
          ...fifoAttributes,
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: redriveMaxReceiveCount(MAX_ATTEMPTS) }),
        },
      }),
    )
  ).QueueUrl!;
  const pushArn = await queueArn(sqs, push);
  const results = (await sqs.send(new CreateQueueCommand({ QueueName: `push-results-${suffix}` }))).QueueUrl!;
  const secretId = `push-dmsa-${suffix}`;
  if (options.createSecret ?? true) {
    await storeSimulatorSecret(sim, secretId);
  }
  const originIds = guardOriginIds(sim);
  const company = installedCompany(sim);
  const project = sim.store.projects(company.id).find((p) => p.permitted);
  if (!project) throw new Error('the simulator seeded no permitted project');

  Object.assign(process.env, {
    ...simulatorEnvironment(sim, secretId, tableName),
    PUSH_QUEUE_URL: push,
    PUSH_DLQ_URL: dlq,
    RESULTS_QUEUE_URL: results,
    MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    ...options.env,
  });
  const { handler } = (await import('../../../functions/push/handler')) as unknown as { handler: PushHandler };

  const deadLetters: DeadLetter[] = [];
  const resultList: PushResult[] = [];

  return {
    sim,
    sqs,
    db: DynamoDBDocumentClient.from(dynamo),
    tableName,
    queues: { push, pushArn, dlq, results },
    companyId: company.id,
    projectId: project.id,
    handler,

    async send(bodies, sendOptions = {}) {
      originIds.sent(bodies);
      const ids: string[] = [];
      for (let i = 0; i < bodies.length; i += 10) {
        const chunk = bodies.slice(i, i + 10);
        const { Successful = [], Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: push,
            Entries: chunk.map((body, j) => ({
              Id: String(j),
              MessageBody: bodyOf(body),
              ...(sendOptions.attributes ? { MessageAttributes: sendOptions.attributes } : {}),
              ...(fifo ? { MessageGroupId: sendOptions.groupId?.(i + j) ?? 'default', MessageDeduplicationId: randomUUID() } : {}),
            })),
          }),
        );
        if (Failed.length > 0) throw new Error(`send failed: ${Failed[0]?.Message}`);
        const byEntry = new Map(Successful.map((s) => [s.Id, s.MessageId!]));
        for (let j = 0; j < chunk.length; j++) ids.push(byEntry.get(String(j))!);
      }
      return ids;
    },

    async play(playOptions = {}) {
      const messages = await receiveMessages(sqs, push, playOptions.batchSize ?? 10, { waitTimeSeconds: 1 });
      if (messages.length === 0) throw new Error('no visible messages on the push queue');
      const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, pushArn)) };
      const response = await handler(event, lambdaContext({ timeoutMs: playOptions.timeoutMs ?? 10_000, functionName: 'push' }));
      const failed = response.batchItemFailures.map((f) => f.itemIdentifier);
      await deleteMessages(
        sqs,
        push,
        messages.filter((m) => !failed.includes(m.MessageId!)),
      );
      return {
        messages,
        response,
        failed,
        messageIdOf(body: string) {
          const found = messages.filter((m) => m.Body === body);
          if (found.length !== 1) throw new Error(`${found.length} received messages have body ${body}`);
          return found[0]!.MessageId!;
        },
      };
    },

    async deadLetters() {
      for (;;) {
        const batch = await receiveMessages(sqs, dlq, 10, { visibilityTimeout: 600 });
        if (batch.length === 0) break;
        for (const m of batch) {
          const reason = readFailureAttributes(m.MessageAttributes);
          if (!reason) throw new Error(`DLQ message without failure attributes: ${m.Body}`);
          deadLetters.push({ body: m.Body!, reason, attributes: m.MessageAttributes });
        }
      }
      return deadLetters;
    },

    async results() {
      for (;;) {
        const batch = await receiveMessages(sqs, results, 10, { visibilityTimeout: 600 });
        if (batch.length === 0) break;
        for (const m of batch) resultList.push(PushResultSchema.parse(JSON.parse(m.Body!)));
      }
      return resultList;
    },

    async queueCounts() {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: push,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
    },

    close: () => originIds.checkAndClose(),
  };
}
