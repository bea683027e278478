import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { releaseMessages } from '../../cli/dlq/dead-letters';
import { MAX_MESSAGE_BYTES } from '../../functions/commons/queues/message-size';
import { inspectDeadLetterQueue } from '../../cli/dlq/inspect';
import { moveTaskUnavailable, redrive } from '../../cli/dlq/move-dead-letters';
import { createQueuePair, deadLetter, exhaustRetries, messageCount, sqs, takeAll, type QueuePair } from './cli-queues';
import { runCliProcess } from './run-cli';

const fast = { visibilityTimeoutSeconds: 30, waitTimeSeconds: 0 };
const routing = (resource: string) => ({ resource: { DataType: 'String', StringValue: resource } });

/** Bodies a redrive must keep byte for byte: unicode, whitespace, JSON key order, a large one. */
function bodies(count: number): string[] {
  const samples = [
    '{"id":"a","data":{"name":"Büro – Nord 🏗"}}',
    '  {"id": "spaced",\n\t"data": {}}  ',
    '{"z":1,"a":2}',
    `{"id":"big","data":"${'x'.repeat(150_000)}"}`,
    'not json at all',
  ];
  return Array.from({ length: count }, (_, i) => (i < samples.length ? samples[i]! : JSON.stringify({ id: `m-${i}`, n: i })));
}

async function fill(pair: QueuePair, all: string[], errorClass: (i: number) => string): Promise<void> {
  for (const [i, body] of all.entries()) {
    await deadLetter(pair.dlqUrl, body, { errorClass: errorClass(i), message: `failure ${i}`, attempts: 1 }, { attributes: routing('rfis') });
  }
}

const sorted = (values: string[]) => [...values].sort();
const bodiesOf = (messages: Message[]) => messages.map((m) => m.Body ?? '');

describe('redrive (receive → send → delete, as on moto, which has no message move task)', () => {
  it('moves every message back exactly once, bodies byte for byte, attributes without the failure ones', async () => {
    const pair = await createQueuePair('redrive-all');
    const originals = bodies(23);
    await fill(pair, originals, (i) => (i % 2 ? 'ProcoreValidation' : 'SchemaInvalid'));
    await exhaustRetries(pair, '{"id":"exhausted"}');

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast });
    expect(result).toMatchObject({ method: 'receive-send-delete', moved: 24, skipped: 0, failures: [] });
    expect(result.fallbackReason).toMatch(/HTTP 500/);

    expect(await messageCount(pair.dlqUrl)).toBe(0);
    const back = await takeAll(pair.sourceUrl);
    expect(back).toHaveLength(24);
    expect(sorted(bodiesOf(back))).toEqual(sorted([...originals, '{"id":"exhausted"}']));
    const copy = back.find((m) => m.Body === originals[0]);
    expect(copy?.MessageAttributes).toEqual({ resource: { DataType: 'String', StringValue: 'rfis' } });
    for (const m of back) expect(Object.keys(m.MessageAttributes ?? {}).filter((k) => k.startsWith('connector.'))).toEqual([]);
  });

  it('a dry run lists what would move and moves nothing', async () => {
    const pair = await createQueuePair('redrive-dry');
    const originals = bodies(12);
    await fill(pair, originals, (i) => (i < 4 ? 'ProcoreConflict' : 'SchemaInvalid'));

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, dryRun: true, classes: ['ProcoreConflict'], receive: fast });
    expect(result).toMatchObject({ method: 'dry-run', moved: 4, skipped: 8 });
    expect(sorted(result.messages.map((m) => m.body))).toEqual(sorted(originals.slice(0, 4)));
    expect(await messageCount(pair.sourceUrl)).toBe(0);
    // Still all there and visible at once (not only after the visibility timeout).
    expect((await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast })).messages).toHaveLength(12);
  });

  it('a class filter moves only that class; the others stay and are visible at once', async () => {
    const pair = await createQueuePair('redrive-class');
    const originals = bodies(15);
    await fill(pair, originals, (i) => (i % 3 === 0 ? 'ProcoreRateLimited' : 'ProcoreValidation'));

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, classes: ['ProcoreRateLimited'], receive: fast });
    expect(result).toMatchObject({ method: 'receive-send-delete', moved: 5, skipped: 10 });
    expect(result.fallbackReason).toBeUndefined();
    const back = await takeAll(pair.sourceUrl);
    expect(sorted(bodiesOf(back))).toEqual(sorted(originals.filter((_, i) => i % 3 === 0)));
    const left = await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast });
    expect(left.byClass).toEqual([expect.objectContaining({ errorClass: 'ProcoreValidation', count: 10 })]);
  });

  it('--max moves at most that many', async () => {
    const pair = await createQueuePair('redrive-max');
    await fill(pair, bodies(8), () => 'SchemaInvalid');
    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, max: 3, receive: fast });
    expect(result.moved).toBe(3);
    expect(await messageCount(pair.sourceUrl)).toBe(3);
    expect((await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast })).messages).toHaveLength(5);
  });

  it('keeps the FIFO message group (and its order) when moving back to a FIFO queue', async () => {
    const pair = await createQueuePair('redrive-fifo', { fifo: true });
    for (const n of [1, 2, 3])
      await deadLetter(pair.dlqUrl, `{"seq":${n}}`, { errorClass: 'ProcoreServerError', message: 'x', attempts: 5 }, { groupId: 'project-7' });
    await deadLetter(pair.dlqUrl, '{"other":1}', { errorClass: 'ProcoreServerError', message: 'x', attempts: 5 }, { groupId: 'project-8' });

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast });
    expect(result.moved).toBe(4);
    const back = await takeAll(pair.sourceUrl);
    const group7 = back.filter((m) => m.Attributes?.MessageGroupId === 'project-7').map((m) => m.Body);
    expect(group7).toEqual(['{"seq":1}', '{"seq":2}', '{"seq":3}']);
    expect(back.find((m) => m.Body === '{"other":1}')?.Attributes?.MessageGroupId).toBe('project-8');
  });

  it('loses nothing when interrupted between send and delete: a rerun finishes, at most one batch is duplicated', async () => {
    const pair = await createQueuePair('redrive-crash');
    const originals = bodies(25).filter((b) => b.length < 1000);
    await fill(pair, originals, () => 'SchemaInvalid');

    // A client whose second DeleteMessageBatch fails, as if the process died right after sending.
    const crashing = new SQSClient({});
    let deletes = 0;
    const received: Message[] = [];
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteMessageBatchCommand' && ++deletes === 2) throw new Error('simulated crash');
        const result = await next(args);
        if (context.commandName === 'ReceiveMessageCommand') received.push(...((result.output as { Messages?: Message[] }).Messages ?? []));
        return result;
      },
      { step: 'initialize' },
    );
    await expect(redrive(crashing, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast, useMoveTask: false })).rejects.toThrow('simulated crash');

    // The batch the crashed run held comes back as when its visibility timeout runs out, without
    // waiting for it (deleted messages' handles are stale and skipped).
    await releaseMessages(sqs, pair.dlqUrl, received);
    const rerun = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast, useMoveTask: false });
    expect(await messageCount(pair.dlqUrl)).toBe(0);
    const back = bodiesOf(await takeAll(pair.sourceUrl));
    expect(new Set(back)).toEqual(new Set(originals));
    const duplicates = back.length - originals.length;
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(10);
    expect(rerun.moved).toBe(originals.length - 10);
  });

  it('runs as a CLI command: --class, --json, exit 0', async () => {
    const pair = await createQueuePair('redrive-cli');
    await fill(pair, bodies(6), (i) => (i < 2 ? 'ProcoreForbidden' : 'SchemaInvalid'));
    const run = await runCliProcess(['redrive', '--dlq-url', pair.dlqUrl, '--to', pair.sourceUrl, '--class', 'ProcoreForbidden', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { moved: number; skipped: number; method: string };
    expect(result).toMatchObject({ moved: 2, skipped: 4, method: 'receive-send-delete' });
    expect(await messageCount(pair.sourceUrl)).toBe(2);

    const help = await runCliProcess(['redrive', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('idempotent');
    const same = await runCliProcess(['redrive', '--dlq-url', pair.dlqUrl, '--to', pair.dlqUrl]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--dlq-url and --to are the same queue');
  });
});

describe('redrive of dead letters whose body the connector wrapped (gzipped beside its reason, near 1 MiB)', () => {
  // Just under SQS's 1 MiB: beside the reason and the producer's attributes the body no longer fits as it is.
  const nearLimit = (tag: string) => JSON.stringify({ version: 1, id: tag, data: { note: `Büro 🏗 ${'x'.repeat(MAX_MESSAGE_BYTES - 200)}` } });
  const producerAttributes = {
    source: { DataType: 'String', StringValue: 'erp' },
    checksum: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 2, 254, 255]) },
  };
  const reason = { errorClass: 'ProcoreValidation', message: 'name: too long', attempts: 1 };

  it.each([
    ['message by message', { useMoveTask: false }],
    ['after restoring the wrapped ones by hand, where the move task is unavailable', {}],
  ] as const)('sends back the body byte for byte and its attributes (%s)', async (_, how) => {
    const pair = await createQueuePair('redrive-wrapped');
    const big = nearLimit('big-1');
    await deadLetter(pair.dlqUrl, big, reason, { attributes: producerAttributes });
    await deadLetter(pair.dlqUrl, '{"id":"small"}', reason, { attributes: routing('rfis') });
    // The DLQ holds it wrapped; inspecting shows the original body (and releases the messages at once).
    const inspected = await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast });
    expect(inspected.messages.map((m) => `${m.bodyWrapped ?? 'as sent'}: ${m.body === big ? 'big' : m.body}`).sort()).toEqual([
      'as sent: {"id":"small"}',
      'gzip-base64: big',
    ]);

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast, ...how });
    expect(result).toMatchObject({ moved: 2, failures: [] });
    expect(await messageCount(pair.dlqUrl)).toBe(0);
    const back = await takeAll(pair.sourceUrl);
    const copy = back.find((m) => m.Body !== '{"id":"small"}');
    expect(copy?.Body).toBe(big);
    expect(copy?.MD5OfBody).toBe(createHash('md5').update(big, 'utf8').digest('hex'));
    expect(copy?.MessageAttributes?.source).toEqual({ DataType: 'String', StringValue: 'erp' });
    expect(Buffer.from(copy?.MessageAttributes?.checksum?.BinaryValue ?? [])).toEqual(Buffer.from([0, 1, 2, 254, 255]));
    expect(Object.keys(copy?.MessageAttributes ?? {}).sort()).toEqual(['checksum', 'source']);
    expect(back.find((m) => m.Body === '{"id":"small"}')?.MessageAttributes).toEqual(routing('rfis'));
    // What the result lists is the original body too, not its wrapper.
    expect(result.messages.map((m) => m.body).sort()).toEqual([big, '{"id":"small"}'].sort());
  });

  it('leaves a dead letter whose body could not be kept in the DLQ and says why', async () => {
    const pair = await createQueuePair('redrive-dropped');
    const incompressible = randomBytes(MAX_MESSAGE_BYTES)
      .toString('base64')
      .slice(0, MAX_MESSAGE_BYTES - 10);
    await deadLetter(pair.dlqUrl, incompressible, reason);
    await deadLetter(pair.dlqUrl, '{"id":"small"}', reason);

    const result = await redrive(sqs, { from: pair.dlqUrl, to: pair.sourceUrl, receive: fast });
    expect(result).toMatchObject({ method: 'receive-send-delete', moved: 1, skipped: 0 });
    expect(result.failures).toEqual([
      {
        messageId: expect.any(String),
        error: expect.stringMatching(/^not sent back: the body \(\d+ bytes, SHA-256 [0-9a-f]{64}\) was too large to keep even gzipped$/),
      },
    ]);
    expect(result.fallbackReason).toMatch(/cannot be restored/);
    expect(bodiesOf(await takeAll(pair.sourceUrl))).toEqual(['{"id":"small"}']);
    expect(await messageCount(pair.dlqUrl)).toBe(1);
  });
});

describe('redrive with SQS message move tasks (real SQS; simulated with a client mock, moto has none)', () => {
  it('starts a move task from the DLQ to the source queue and reports what SQS moved', async () => {
    const client = new SQSClient({});
    const mock = mockClient(client);
    const dlqArn = `arn:aws:sqs:us-east-1:123456789012:dlq-${randomUUID()}`;
    const srcArn = `arn:aws:sqs:us-east-1:123456789012:src-${randomUUID()}`;
    mock
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/dlq' })
      .resolves({ Attributes: { QueueArn: dlqArn } })
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/src' })
      .resolves({ Attributes: { QueueArn: srcArn } })
      .on(ReceiveMessageCommand)
      .resolves({})
      .on(StartMessageMoveTaskCommand)
      .resolves({ TaskHandle: 'task-1' })
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 3 }] })
      .resolves({ Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 7 }] });

    const result = await redrive(client, { from: 'https://sqs/dlq', to: 'https://sqs/src', sleep: async () => {} });
    expect(result).toMatchObject({ method: 'move-task', moved: 7, moveTask: { handle: 'task-1', status: 'COMPLETED' } });
    expect(mock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: dlqArn, DestinationArn: srcArn });
  });

  it('falls back only when the API is unavailable, not on real errors such as access denied', () => {
    const html500 = Object.assign(new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'), { $metadata: { httpStatusCode: 500 } });
    expect(moveTaskUnavailable(html500)).toMatch(/HTTP 500/);
    const denied = Object.assign(new Error('not authorized to perform sqs:StartMessageMoveTask'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(moveTaskUnavailable(denied)).toBeUndefined();
  });
});
