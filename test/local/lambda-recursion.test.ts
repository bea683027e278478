// Lambda's recursive loop detection as the local event source player applies it: the trace header
// travels from the handler's SendMessage through SQS (moto keeps it, local/moto_patches.py) back to
// the player, which counts the chain and, under Terminate, stops its 17th invocation.
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { playEventSourceMapping } from '../../local/event-source-player';
import { inProcessHost } from '../support/in-process-host';
import { applyRecursionRule, invocationsInChain, invocationTraceHeader } from '../../local/lambda-recursion';
import { queueArn } from '../../cli/aws/sqs';
import { receiveMessages } from '../../local/sqs-event-source';

jest.setTimeout(60_000);

const sqs = new SQSClient({});
const suffix = () => randomUUID().slice(0, 8);

async function queueWithDlq(): Promise<{ url: string; arn: string; dlq: string }> {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `recursion-dlq-${suffix()}` }))).QueueUrl!;
  const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: await queueArn(sqs, dlq), maxReceiveCount: 5 });
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: `recursion-${suffix()}`, Attributes: { RedrivePolicy } }))).QueueUrl!;
  return { url, arn: await queueArn(sqs, url), dlq };
}

function message(traceHeader: string | undefined): Message {
  return { MessageId: randomUUID(), Body: '{}', ...(traceHeader ? { Attributes: { AWSTraceHeader: traceHeader } } : {}) };
}

describe('the recursion rule', () => {
  it("counts a function's invocations per chain and stops the 17th under Terminate, never under Allow", () => {
    let header: string | undefined;
    for (let depth = 1; depth <= 16; depth++) {
      const decision = applyRecursionRule([message(header)], { functionName: 'worker', recursiveLoop: 'Terminate' });
      expect(decision).toMatchObject({ stopped: [], chainDepth: depth });
      header = decision.traceHeader;
    }
    expect(invocationsInChain(header, 'worker')).toBe(16);
    expect(invocationsInChain(header, 'planner')).toBe(0);
    expect(applyRecursionRule([message(header)], { functionName: 'worker', recursiveLoop: 'Terminate' })).toMatchObject({ invoke: [], chainDepth: 0 });
    expect(applyRecursionRule([message(header)], { functionName: 'worker', recursiveLoop: 'Allow' })).toMatchObject({ stopped: [], chainDepth: 17 });
  });

  it("keeps the chain's root and other functions' counts", () => {
    const planner = invocationTraceHeader(undefined, 'planner', 1);
    const worker = invocationTraceHeader(planner, 'worker', 1);
    expect(worker.split(';')[0]).toBe(planner.split(';')[0]);
    expect([invocationsInChain(worker, 'planner'), invocationsInChain(worker, 'worker')]).toEqual([1, 1]);
  });
});

describe('the trace header through SQS (moto)', () => {
  it('becomes AWSTraceHeader of every message a handler sends, singly or in batches', async () => {
    const { url } = await queueWithDlq();
    const header = invocationTraceHeader(undefined, 'worker', 3);
    const host = inProcessHost({
      functionName: 'worker',
      timeoutMs: 10_000,
      handler: async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'single' }));
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'a', MessageBody: 'a' },
              { Id: 'b', MessageBody: 'b' },
            ],
          }),
        );
      },
    });
    await host.invoke({}, { traceId: header });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'outside Lambda' }));
    const received = await receiveMessages(sqs, url, 10, { visibilityTimeout: 60 });
    const byBody = Object.fromEntries(received.map((m) => [m.Body, m.Attributes?.AWSTraceHeader]));
    expect(byBody).toEqual({ single: header, a: header, b: header, 'outside Lambda': undefined });
  });
});

describe('the event source player with recursion detection', () => {
  /** A runaway handler: every invocation puts its message back on the queue that triggers it, `limit` times at most. */
  function loopingHost(url: string, limit: number) {
    let invocations = 0;
    const host = inProcessHost({
      functionName: 'looper',
      timeoutMs: 10_000,
      handler: async (event: SQSEvent) => {
        invocations += 1;
        if (invocations < limit) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: event.Records[0]!.body }));
      },
    });
    return { host, invocations: () => invocations };
  }

  /** Sends one message to a host that sends it on until `limit` invocations, and plays the queue. */
  async function playLoop(limit: number, recursiveLoop: 'Terminate' | 'Allow') {
    const queue = await queueWithDlq();
    const { host, invocations } = loopingHost(queue.url, limit);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'loop' }));
    const outcome = await playEventSourceMapping({
      sqs,
      queue,
      batchSize: 1,
      hosts: [host],
      maxDurationMs: 30_000,
      recursion: { functionName: 'looper', recursiveLoop },
    });
    return { queue, outcome, invocations };
  }

  it('stops a chain at 16 invocations under Terminate and moves its message to the DLQ', async () => {
    const { queue, outcome, invocations } = await playLoop(1000, 'Terminate');
    expect(invocations()).toBe(16);
    expect(outcome).toMatchObject({ invocations: 16, recursionStopped: 1, deepestChain: 16, drained: true });
    const dead = await receiveMessages(sqs, queue.dlq, 10, { visibilityTimeout: 60 });
    expect(dead.map((m) => m.Body)).toEqual(['loop']);
  });

  it('lets the chain run under Allow', async () => {
    const { outcome, invocations } = await playLoop(25, 'Allow');
    expect(invocations()).toBe(25);
    expect(outcome).toMatchObject({ invocations: 25, recursionStopped: 0, deepestChain: 25 });
  });
});
