import { cliSqsClient } from '../aws/sqs';
import { QUEUE_NAMES } from '../aws/stack-outputs';
import { defineCommand, intOption, UsageError, type Command } from '../command';
import { RETRIES_EXHAUSTED } from '../dlq/dead-letters';
import { redrive, type RedriveResult } from '../dlq/move-dead-letters';
import { json, oneLine, table } from '../format';
import { DLQ_OPTIONS, deadLetterQueueTarget, STAGE_HELP } from '../targets';

const HELP = `connector redrive: move dead-lettered messages back to their source queue

Usage:
  connector redrive --dlq-url URL --to URL [--dry-run] [--class C1,C2] [--max N] [--json]
  connector redrive --stage S [--queue ${QUEUE_NAMES.join('|')}] [--dry-run] [--class ...] [--max N]

Options:
  --dlq-url URL          the dead-letter queue to empty
  --to URL               the queue to move messages back to (the DLQ's source queue)
${STAGE_HELP}
  --queue NAME           which of the stage's DLQs, moved back to its own queue (default push)
  --class LIST           only messages of these error classes, comma-separated (see "dlq inspect";
                         ${RETRIES_EXHAUSTED} = moved by SQS after maxReceiveCount receives)
  --max N                move at most N messages
  --dry-run              list what would move; move nothing
  --no-move-task         do not try SQS's message move task; always move message by message
  --json                 machine-readable output
  -h, --help             this help

How: without --class and --max, SQS moves the messages itself (StartMessageMoveTask). Otherwise,
or where that API is unavailable (e.g. the local emulator), each message is received, sent to the
source queue with the same body byte for byte and its attributes minus the connector.* failure
attributes (FIFO: same message group), and only then deleted from the DLQ.
A body the connector stored gzipped because it was too large beside its reason (attribute
connector.bodyWrapped) is restored first: the producer's body, checked against its SHA-256, and
its attributes (these are moved message by message before any move task). One whose body was too
large to keep even gzipped is not sent back: it stays in the DLQ and is reported as a failure.
Safe to interrupt: a message is never deleted before its copy is sent, so a crash can only
duplicate one; the push path is idempotent on the message's "id" (a message already applied is not
applied again; one that failed is tried again), so a duplicate never writes to Procore twice. A
duplicated sync job re-reads its window (the cursor only moves forward); record envelopes carry
id and updatedAt for downstream consumers to drop repeats.
FIFO queues: a message left in the DLQ by --class or --max holds back the rest of its message
group until the run ends (SQS hands out a group in order), so those stay for the next run.
Fix the cause first (see "dlq inspect"): a message that fails for the same reason comes back.`;

export const redriveCommand: Command = defineCommand({
  name: 'redrive',
  help: HELP,
  options: {
    ...DLQ_OPTIONS,
    to: { type: 'string' },
    class: { type: 'string' },
    max: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'no-move-task': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const target = deadLetterQueueTarget('redrive', values);
    const from = await target.deadLetterQueue();
    const to = await target.sourceQueue(values.to);
    if (from === to) throw new UsageError('redrive: --dlq-url and --to are the same queue');
    const classes = values.class
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (values.class !== undefined && classes?.length === 0) throw new UsageError('redrive: --class needs at least one error class name');
    const max = values.max === undefined ? undefined : intOption('redrive', values.max, '--max', 1);
    const result = await redrive(cliSqsClient(), {
      from,
      to,
      dryRun: Boolean(values['dry-run']),
      ...(classes ? { classes } : {}),
      ...(max !== undefined ? { max } : {}),
      useMoveTask: !values['no-move-task'],
      log: (line) => io.err(line),
    });
    io.out(values.json ? json({ from, to, ...result }) : renderResult(result, from, to));
    return result.failures.length > 0 ? 1 : 0;
  },
});

export function renderResult(result: RedriveResult, from: string, to: string): string {
  const lines: string[] = [];
  if (result.method === 'dry-run') {
    lines.push(`Dry run: ${result.moved} message(s) would move from ${from} to ${to}; ${result.skipped} would stay. Nothing moved.`);
  } else if (result.method === 'move-task') {
    const status = result.moveTask?.status ?? 'UNKNOWN';
    lines.push(
      `SQS message move task ${result.moveTask?.handle}: ${status}, about ${result.moved} message(s) moved from ${from} to ${to}.`,
      ...(status === 'RUNNING' ? ['It keeps running in SQS; check the DLQ depth again later.'] : []),
    );
  } else {
    lines.push(`Moved ${result.moved} message(s) from ${from} to ${to}; ${result.skipped} left in the DLQ.`);
    if (result.fallbackReason) lines.push(`(Message by message: ${result.fallbackReason}.)`);
  }
  if (result.messages.length > 0) {
    lines.push(
      '',
      table(
        ['MESSAGE ID', 'CLASS', 'REASON', 'BODY'],
        result.messages.map((m) => [m.messageId, m.errorClass, oneLine(m.reason, 60), oneLine(m.body, 60)]),
      ),
    );
  }
  if (result.failures.length > 0) {
    lines.push('', `${result.failures.length} message(s) could not be sent back and stay in the DLQ:`);
    lines.push(
      table(
        ['MESSAGE ID', 'ERROR'],
        result.failures.map((f) => [f.messageId, f.error]),
      ),
    );
  }
  return lines.join('\n');
}
