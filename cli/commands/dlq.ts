import { cliSqsClient } from '../aws/sqs';
import { QUEUE_NAMES } from '../aws/stack-outputs';
import { defineCommand, intOption, withSubcommands, type Command } from '../command';
import { RETRIES_EXHAUSTED } from '../dlq/dead-letters';
import { inspectDeadLetterQueue, type DeadLetterReport } from '../dlq/inspect';
import { json, oneLine, table } from '../format';
import { DLQ_OPTIONS, deadLetterQueueTarget, STAGE_HELP } from '../targets';

const HELP = `connector dlq inspect: list dead-lettered messages and why they failed, without consuming them

Usage:
  connector dlq inspect --dlq-url URL [--max N] [--json]
  connector dlq inspect --stage S [--queue ${QUEUE_NAMES.join('|')}] [--max N] [--json]

Options:
  --dlq-url URL          the dead-letter queue
${STAGE_HELP}
  --queue NAME           which of the stage's DLQs (default push)
  --max N                list at most N messages (default 1000)
  --full-body            print whole bodies instead of an 80-character preview
  --json                 machine-readable output
  -h, --help             this help

Messages are received with a short visibility timeout and made visible again at once, so the
connector and other consumers see them as before (each inspection adds one to their receive count).
Class ${RETRIES_EXHAUSTED} means SQS moved the message after maxReceiveCount receives (a consumer that
kept failing; for push and jobs, a function that died on its last attempt and on the spare receive);
PreviousAttemptDied means the function died on its last attempt (crash, timeout, out of memory);
other classes are the connector's own reasons (failure attributes).
FIFO DLQs hand out a message group in order and no further while part of it is held, so a group
with more than 10 messages shows its first 10 only.`;

const inspectCommand = defineCommand({
  name: 'dlq inspect',
  help: HELP,
  options: {
    ...DLQ_OPTIONS,
    max: { type: 'string' },
    'full-body': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const dlqUrl = await deadLetterQueueTarget('dlq inspect', values).deadLetterQueue();
    const report = await inspectDeadLetterQueue(cliSqsClient(), dlqUrl, { max: intOption('dlq inspect', values.max, '--max', 1000) });
    io.out(values.json ? json(report) : renderReport(report, Boolean(values['full-body'])));
    return 0;
  },
});

export const dlqCommand: Command = withSubcommands({
  name: 'dlq',
  help: HELP,
  subcommands: { inspect: inspectCommand },
  unknown: (sub) => `dlq: unknown subcommand "${sub}"; did you mean "dlq inspect"? Run "connector dlq --help".`,
});

export function renderReport(report: DeadLetterReport, fullBody = false): string {
  const lines: string[] = [`Dead-letter queue ${report.queueUrl}`];
  if (report.messages.length === 0) {
    lines.push(
      report.approximateInFlight > 0
        ? `No visible messages (${report.approximateInFlight} in flight: held by another consumer right now).`
        : 'No messages: nothing has failed for good.',
    );
    return lines.join('\n');
  }
  lines.push(
    `${report.messages.length} message(s)${report.truncated ? ` listed (about ${report.approximateVisible} in the queue; raise --max to see more)` : ''}`,
    '',
    table(
      ['CLASS', 'COUNT', 'EXAMPLE REASON'],
      report.byClass.map((c) => [c.errorClass, c.count, oneLine(c.example, 90)]),
    ),
    '',
    table(
      ['MESSAGE ID', 'CLASS', 'STATUS', 'RECEIVES', 'FAILED AT', 'REASON', 'BODY'],
      report.messages.map((m) => [
        m.messageId,
        m.errorClass,
        m.failure?.httpStatus ?? '',
        m.receiveCount,
        m.failedAt ?? '',
        oneLine(m.reason, 60),
        fullBody ? m.body : oneLine(m.body, 80),
      ]),
    ),
  );
  return lines.join('\n');
}
