// The push handler core (createPushBatchHandler) wired to the Procore simulator and moto, on a
// standard and a FIFO push queue side by side, for the property test: send bodies, play the queue
// as Lambda's event source mapping would until it is empty, read what reached the DLQ. close()
// fails the test file when a Procore write carried an origin_id no sent message carried.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, CreateQueueCommand, SQSClient, type Message, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { redriveMaxReceiveCount } from '../../../functions/commons/failure/decisions';
import { silentLogger } from '../../../functions/commons/observability/logger';
import { createProcoreClient } from '../../../functions/commons/procore/runtime';
import { sqsQueueEdge } from '../../../functions/commons/queues/sqs-adapter';
import { sendMessageBatches, type OutgoingMessage } from '../../../functions/commons/queues/sqs-batch-sender';
import { createPushBatchHandler, type PushBatchHandler } from '../../../functions/push/push-batch';
import { sendTrackingHooks } from '../../../functions/push/send-tracker';
import { CreateJournal } from '../../../functions/push/state/create-journal';
import { pushIdempotencyConfig, pushIdempotencyStore } from '../../../functions/push/state/idempotency';
import { PushOriginMap } from '../../../functions/push/state/origin-map';
import { createStateTable } from '../../../local/create-state-table';
import { lambdaContext } from '../../../local/lambda-context';
import { deleteMessages, queueArn } from '../../../cli/aws/sqs';
import { receiveMessages, sqsRecordFromMessage } from '../../../local/sqs-event-source';
import { startSimulator, type ProcoreSimulator } from '../../../simulator';
import { guardOriginIds } from './origin-id-guard';

export const BENCH_MAX_ATTEMPTS = 5;

export interface OutgoingBody {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  /** FIFO only. */
  groupId?: string;
}

export interface BenchQueue {
  fifo: boolean;
  /** Sends the bodies in order (FIFO: each with its group). */
  send(bodies: OutgoingBody[]): Promise<void>;
  /** Plays the queue until it is empty; throws if the handler throws or it does not empty. */
  drain(): Promise<{ invocations: number }>;
  /** Everything that reached the DLQ since the last call. */
  takeDeadLetters(): Promise<Message[]>;
}

export interface PropertyBench {
  sim: ProcoreSimulator;
  db: DynamoDBDocumentClient;
  tableName: string;
  companyId: number;
  projectId: number;
  originMap: PushOriginMap;
  standard: BenchQueue;
  fifo: BenchQueue;
  /** Stops the simulator; throws when a write carried an origin_id no sent message carried (origin-id-guard.ts). */
  close(): Promise<void>;
}

export async function startPropertyBench(): Promise<PropertyBench> {
  const suffix = randomUUID().slice(0, 8);
  const sim = await startSimulator({
    now: Date.now(),
    data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 12, resources: ['projects', 'company_users', 'vendors'] },
  });
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const dynamo = new DynamoDBClient({});
  const db = DynamoDBDocumentClient.from(dynamo);
  const tableName = `push-property-${suffix}`;
  await createStateTable(dynamo, tableName);
  const secretId = `push-property-${suffix}`;
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }) }),
  );
  const originIds = guardOriginIds(sim);
  const company = sim.store.companies().find((c) => c.installed)!;
  const project = sim.store.projects(company.id).find((p) => p.permitted)!;
  const results = (await sqs.send(new CreateQueueCommand({ QueueName: `push-property-results-${suffix}` }))).QueueUrl!;
  const procore = createProcoreClient({
    environment: { name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl },
    secretId,
    logger: silentLogger,
    hooks: sendTrackingHooks(),
  });
  const originMap = new PushOriginMap({ ddb: db, tableName });

  async function queue(fifo: boolean): Promise<BenchQueue> {
    const attributes = fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {};
    const name = (base: string) => `${base}-${suffix}${fifo ? '.fifo' : ''}`;
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: name('push-property-dlq'), Attributes: attributes }))).QueueUrl!;
    const push = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: name('push-property'),
          Attributes: {
            ...attributes,
            VisibilityTimeout: '30',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlq), maxReceiveCount: redriveMaxReceiveCount(BENCH_MAX_ATTEMPTS) }),
          },
        }),
      )
    ).QueueUrl!;
    const pushArn = await queueArn(sqs, push);
    const handler: PushBatchHandler = createPushBatchHandler({
      procore,
      originMap,
      queueEdge: sqsQueueEdge(sqs, { sourceQueueUrl: push, logger: silentLogger }),
      idempotencyStore: pushIdempotencyStore({ tableName, client: dynamo }),
      idempotencyConfig: pushIdempotencyConfig(),
      createJournal: new CreateJournal({ ddb: db, tableName }),
      deadLetterQueueUrl: dlq,
      resultsQueueUrl: results,
      maxAttempts: BENCH_MAX_ATTEMPTS,
      logger: silentLogger,
    });
    return {
      fifo,
      async send(bodies) {
        originIds.sent(bodies.map((b) => b.body));
        // Packed to SQS's limits, one call at a time so a FIFO group keeps its order.
        const messages: OutgoingMessage[] = bodies.map((b) => ({
          body: b.body,
          ...(b.attributes ? { attributes: b.attributes } : {}),
          ...(fifo ? { groupId: b.groupId ?? 'default', deduplicationId: randomUUID() } : {}),
        }));
        await sendMessageBatches(sqs, push, messages, { concurrency: 1 });
      },
      async drain() {
        let invocations = 0;
        for (let round = 0; round < 4 * BENCH_MAX_ATTEMPTS; round++) {
          const messages = await receiveMessages(sqs, push, 10, { waitTimeSeconds: 0 });
          if (messages.length === 0) return { invocations };
          const event: SQSEvent = { Records: messages.map((m) => sqsRecordFromMessage(m, pushArn)) };
          invocations += 1;
          // The property: the handler answers every batch; it never throws.
          const response = await handler(event, lambdaContext({ timeoutMs: 20_000, functionName: 'push-property' }));
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          await deleteMessages(
            sqs,
            push,
            messages.filter((m) => !failed.has(m.MessageId!)),
          );
          for (const m of messages.filter((x) => failed.has(x.MessageId!))) {
            await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: push, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
          }
        }
        throw new Error(`the ${fifo ? 'FIFO' : 'standard'} push queue did not empty`);
      },
      async takeDeadLetters() {
        const letters: Message[] = [];
        for (;;) {
          const batch = await receiveMessages(sqs, dlq, 10, { waitTimeSeconds: 0, visibilityTimeout: 600 });
          if (batch.length === 0) return letters;
          letters.push(...batch);
          await deleteMessages(sqs, dlq, batch);
        }
      },
    };
  }

  return {
    sim,
    db,
    tableName,
    companyId: company.id,
    projectId: project.id,
    originMap,
    standard: await queue(false),
    fifo: await queue(true),
    close: () => originIds.checkAndClose(),
  };
}
