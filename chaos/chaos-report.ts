// The chaos run's table: counts, one row per measure, with what each must be where the issue says.
import type { BadInputOutcome } from './scenarios/bad-input';
import type { PullChaosOutcome } from './scenarios/pull';
import type { PushChaosOutcome } from './scenarios/push';
import type { WebhookChaosOutcome } from './scenarios/webhooks';
import { originIdAuditLine } from '../simulator';

export interface ChaosResults {
  pull?: PullChaosOutcome;
  push?: PushChaosOutcome;
  badInput?: BadInputOutcome;
  webhooks?: WebhookChaosOutcome;
}

interface Row {
  scenario: string;
  measure: string;
  value: string | number;
  /** The required value, when there is one. */
  must?: string | number;
  pass?: boolean;
}

function chaosRows(r: ChaosResults): Row[] {
  const rows: Row[] = [];
  const add = (scenario: string, measure: string, value: number | string, must?: number) =>
    rows.push({ scenario, measure, value, ...(must === undefined ? {} : { must, pass: value === must }) });
  if (r.pull) {
    const p = r.pull;
    add('pull', 'records in Procore', p.expectedRecords);
    add('pull', 'records delivered (distinct)', p.distinctDelivered);
    add('pull', 'records lost', p.lost, 0);
    add('pull', 'records delivered more than once', p.deliveredMoreThanOnce);
    add('pull', 'extra copies delivered', p.extraCopies);
    add('pull', 'envelopes for records Procore lacks', p.unexpected, 0);
    add('pull', 'jobs dead-lettered', p.jobsDeadLettered);
    add('pull', 'faults: 5xx / 429 / dropped / 401', `${p.faults.serverErrors} / ${p.faults.rateLimited} / ${p.faults.dropped} / ${p.faults.unauthorized}`);
    add('pull', 'Procore requests / tokens issued', `${p.faults.requests} / ${p.faults.tokensIssued}`);
    add('pull', 'workers killed mid-job / tokens invalidated', `${p.workersKilled} / ${p.tokensInvalidated}`);
    add('pull', 'worker invocations (failed)', `${p.workerInvocations} (${p.workerInvocationsFailed})`);
    add('pull', 'secret/token hits in logs', p.logScan.hits.length, 0);
    add('pull', 'seconds', Math.round(p.durationMs / 1000));
  }
  if (r.push) {
    const p = r.push;
    add('push', 'messages (+ producer re-sends)', `${p.messages} (+${p.producerResends})`);
    add('push', 'applied in Procore', p.applied);
    add('push', 'messages lost', p.lost, 0);
    add('push', 'duplicate Procore creates (any resource)', p.duplicateCreates, 0);
    add('push', "dead letters without the connector's reason", p.deadLettersWithoutReason, 0);
    add('push', 'creates dead-lettered as CreateOutcomeUnknown (of them made in Procore)', `${p.createOutcomeUnknown} (${p.createOutcomeUnknownMade})`);
    add('push', 'refused by Procore, dead-lettered as expected', `${p.refusedAsExpected} of ${p.refusedExpected}`);
    for (const [reason, count] of Object.entries(p.deadLetteredByReason)) add('push', `dead-lettered: ${reason}`, count);
    add('push', 'good messages dead-lettered (other reasons)', p.unexpectedDeadLetters, 0);
    add('push', `origin_id not from a message (of ${p.originIds.writesChecked} Procore writes)`, p.originIds.foreign.length, 0);
    add('push', 'faults: 5xx / 429 / dropped / 401', `${p.faults.serverErrors} / ${p.faults.rateLimited} / ${p.faults.dropped} / ${p.faults.unauthorized}`);
    add(
      'push',
      "workers killed mid-batch (of them between Procore's answer and the state write) / tokens invalidated",
      `${p.workersKilled} (${p.killedAfterAnswer}) / ${p.tokensInvalidated}`,
    );
    const a = p.awsFaults;
    add(
      'push',
      'AWS faults: state writes refused / SendMessageBatch partial / whole / secret reads refused',
      `${a.stateWritesRefused} / ${a.sendBatchPartial} / ${a.sendBatchFailed} / ${a.secretReadsRefused}`,
    );
    add('push', 'invocations (failed) / batch item failures', `${p.invocations} (${p.invocationsFailed}) / ${p.batchItemFailures}`);
    add('push', 'secret/token hits in logs', p.logScan.hits.length, 0);
    add('push', 'seconds', Math.round(p.durationMs / 1000));
  }
  if (r.badInput) {
    const b = r.badInput;
    add('bad input', 'classes', b.classes.length);
    add('bad input', 'classes dead-lettered with a reason naming them', b.classes.filter((c) => c.ok).length, b.classes.length);
    add('bad input', 'good messages in the same batches applied', b.goodApplied, b.goodMessages);
    add('bad input', 'handler crashes', b.invocationsFailed, 0);
    add('bad input', 'secret/token hits in logs and reasons', b.logScan.hits.length, 0);
    add('bad input', 'seconds', Math.round(b.durationMs / 1000));
  }
  const addAtLeastOne = (scenario: string, measure: string, value: number) => rows.push({ scenario, measure, value, must: '> 0', pass: value > 0 });
  if (r.webhooks) webhookRows(r.webhooks, add, addAtLeastOne);
  return rows;
}

function webhookRows(
  w: WebhookChaosOutcome,
  add: (scenario: string, measure: string, value: number | string, must?: number) => void,
  addAtLeastOne: (scenario: string, measure: string, value: number) => void,
): void {
  add('webhooks', 'changes in Procore (records changed)', `${w.changes} (${w.recordsChanged})`);
  add(
    'webhooks',
    'deliveries sent / dropped / duplicated / held back by the sender',
    `${w.deliveriesAttempted} / ${w.deliveriesDropped} / ${w.deliveriesDuplicated} / ${w.deliveriesHeldBack}`,
  );
  addAtLeastOne('webhooks', 'deliveries sent after a later one of the same hook (shuffled order)', w.deliveriesSentOutOfOrder);
  add('webhooks', 'seconds from the first change until every delivery was sent', w.deliverySeconds);
  add('webhooks', 'changes not delivered by webhook (before reconciliation)', w.lostBeforeReconcile);
  add('webhooks', 'changes lost after the reconciliation pull', w.lostAfterReconcile, 0);
  add('webhooks', `forged deliveries accepted (of ${w.forgedSent})`, w.forgedAccepted, 0);
  add('webhooks', `malformed deliveries answered 400 (of ${w.malformedSent})`, w.malformedAnswered400, w.malformedSent);
  add('webhooks', `malformed deliveries counted by the receiver (of ${w.malformedSent})`, w.malformedCountedByReceiver, w.malformedSent);
  addAtLeastOne('webhooks', `consumers killed mid-batch (events in its batch: ${w.killedBatchSize})`, w.consumersKilled);
  add('webhooks', 'consumer invocations (failed)', `${w.consumerInvocations} (${w.consumerInvocationsFailed})`);
  add('webhooks', 'events dead-lettered', w.eventsDeadLettered, 0);
  add('webhooks', 'envelopes by webhook / by the reconciliation pull', `${w.webhookEnvelopes} / ${w.reconcileEnvelopes}`);
  add('webhooks', 'reconciliation envelopes of a state the webhook path delivered', w.reconcileAlreadyDelivered);
  add('webhooks', 'secret/token hits in logs', w.logScan.hits.length, 0);
  add('webhooks', 'seconds', Math.round(w.durationMs / 1000));
}

export function formatChaosTable(r: ChaosResults): string {
  const rows = chaosRows(r);
  const cells = rows.map((row) => [row.scenario, row.measure, String(row.value), row.must === undefined ? '' : `${row.must} ${row.pass ? 'ok' : 'FAIL'}`]);
  const header = ['scenario', 'measure', 'count', 'must be'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  const classes = r.badInput
    ? [
        '',
        'bad-input classes:',
        ...r.badInput.classes.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.errorClass ?? 'not dead-lettered'}: ${c.reason ?? ''}`.slice(0, 200)),
      ]
    : [];
  // The offending writes named, when there are any (the table has their count).
  const origins = r.push && r.push.originIds.foreign.length > 0 ? ['', `push: ${originIdAuditLine(r.push.originIds, 10)}`] : [];
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line), ...classes, ...origins].join('\n');
}

export function chaosPassed(r: ChaosResults): boolean {
  return chaosRows(r).every((row) => row.pass !== false);
}
