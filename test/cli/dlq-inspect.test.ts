import { inspectDeadLetterQueue } from '../../cli/dlq/inspect';
import { RETRIES_EXHAUSTED } from '../../cli/dlq/dead-letters';
import { createQueuePair, deadLetter, exhaustRetries, messageCount, sqs, type QueuePair } from './cli-queues';
import { runCli } from './run-cli';

const fast = { visibilityTimeoutSeconds: 30, waitTimeSeconds: 0 };

describe('dlq inspect', () => {
  let pair: QueuePair;

  beforeAll(async () => {
    pair = await createQueuePair('inspect');
    const routing = { resource: { DataType: 'String', StringValue: 'rfis' } };
    for (const n of [1, 2, 3]) {
      await deadLetter(pair.dlqUrl, `{"id":"bad-${n}"`, { errorClass: 'InvalidJson', message: 'Unexpected end of JSON input', attempts: 1 });
    }
    for (const n of [1, 2]) {
      await deadLetter(
        pair.dlqUrl,
        JSON.stringify({ version: 1, id: `rfi-${n}`, resource: 'rfis', operation: 'create' }),
        { errorClass: 'ProcoreValidation', message: "subject can't be blank", httpStatus: 422, procoreRequestId: `req-${n}`, attempts: 1 },
        { attributes: routing },
      );
    }
    await exhaustRetries(pair, JSON.stringify({ version: 1, id: 'slow-1' }));
  });

  it('counts messages by error class with their reasons, from the failure attributes', async () => {
    const report = await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast });
    expect(report.messages).toHaveLength(6);
    expect(report.byClass).toEqual([
      { errorClass: 'InvalidJson', count: 3, example: 'Unexpected end of JSON input' },
      { errorClass: 'ProcoreValidation', count: 2, example: "subject can't be blank" },
      { errorClass: RETRIES_EXHAUSTED, count: 1, example: expect.stringContaining('maxReceiveCount') },
    ]);
    const validation = report.messages.find((m) => m.body.includes('rfi-1'));
    expect(validation).toMatchObject({
      errorClass: 'ProcoreValidation',
      failure: { httpStatus: 422, procoreRequestId: 'req-1', attempts: 1 },
      attributes: { resource: 'rfis' },
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(report.messages.map((m) => m.body)).toContain('{"id":"bad-2"');
  });

  it('does not consume them: everything is visible again right after an inspection', async () => {
    await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast });
    const again = await inspectDeadLetterQueue(sqs, pair.dlqUrl, { receive: fast });
    expect(again.messages).toHaveLength(6);
    expect(await messageCount(pair.dlqUrl)).toBe(6);
  });

  it('lists at most --max messages and says there are more', async () => {
    const report = await inspectDeadLetterQueue(sqs, pair.dlqUrl, { max: 4, receive: fast });
    expect(report.messages).toHaveLength(4);
    expect(report.truncated).toBe(true);
    expect(await messageCount(pair.dlqUrl)).toBe(6);
  });

  it('prints counts by class and one aligned row per message; --json gives the same report', async () => {
    const run = await runCli(['dlq', 'inspect', '--dlq-url', pair.dlqUrl]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(run.stdout).toContain('6 message(s)');
    expect(lines).toContainEqual(expect.stringMatching(/^InvalidJson\s+3\s+Unexpected end of JSON input$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ProcoreValidation\s+2\s+subject can't be blank$/));
    const header = lines.find((l) => l.startsWith('MESSAGE ID'));
    const rows = lines.filter((l) => /^[0-9a-f-]{36}\s/.test(l));
    expect(rows).toHaveLength(6);
    const classColumn = header!.indexOf('CLASS');
    for (const row of rows) expect(row.slice(classColumn)).toMatch(/^(InvalidJson|ProcoreValidation|RetriesExhausted) /);

    const asJson = await runCli(['dlq', 'inspect', '--dlq-url', pair.dlqUrl, '--json']);
    const report = JSON.parse(asJson.stdout) as { messages: unknown[]; byClass: { errorClass: string; count: number }[] };
    expect(report.messages).toHaveLength(6);
    expect(report.byClass.map((c) => [c.errorClass, c.count])).toEqual([
      ['InvalidJson', 3],
      ['ProcoreValidation', 2],
      [RETRIES_EXHAUSTED, 1],
    ]);
    expect(await messageCount(pair.dlqUrl)).toBe(6);
  });

  it('says so when the DLQ is empty, and explains a missing target', async () => {
    const empty = await createQueuePair('inspect-empty');
    const run = await runCli(['dlq', 'inspect', '--dlq-url', empty.dlqUrl]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('No messages: nothing has failed for good.');

    const lost = await runCli(['dlq', 'inspect']);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('pass the URL flags, or --stage S');
    const wrong = await runCli(['dlq', 'peek']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown subcommand "peek"');
  });
});
