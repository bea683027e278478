// The run's summary: what a person reads at a glance when `npm start` ends, and the same data as
// JSON (--json FILE) for scripts and the test.
import type { DeadLetter } from '../../cli/dlq/dead-letters';
import type { RemovalsRow } from './seed-removals';
import { originIdAuditLine, type OriginIdAudit } from '../../simulator';

export interface DeadLetterQueueReport {
  /** The stack output naming the queue, e.g. PushDeadLetterQueueUrl. */
  name: string;
  messages: (Pick<DeadLetter, 'errorClass' | 'reason' | 'receiveCount' | 'body'> & { sample?: string })[];
}

export interface EventSourceReport {
  name: string;
  invocations: number;
  received: number;
  deleted: number;
  failed: number;
  invocationErrors: number;
  drained: boolean;
}

export interface ProcoreUsage {
  apiRequests: number;
  tokenRequests: number;
  rateLimited: number;
  hourlyBudget: number;
  spikeBudget: number;
  spikeWindowSeconds: number;
}

export interface PushRetries {
  /** Pushes that went back to the queue at least once (transient failure) and were tried again. */
  retried: number;
  /** Of those, how many ended applied. */
  retriedApplied: number;
  /** Transient Procore faults injected into the push phase (simulator only; 0 against real Procore). */
  procoreFaults: number;
  /** Extra Procore records found for applied creates/upserts (simulator only): must be 0. */
  duplicates: number;
}

/** The webhook path (simulator runs): one record changed in Procore, timed to the records queue. */
export interface WebhookReport {
  resource: string;
  recordId: number;
  /** Changes `webhooks apply` made (hook and triggers). */
  hookChanges: number;
  applyErrors: string[];
  /** Deliveries the simulator attempted, and those the receiver accepted (2xx). */
  procoreDeliveries: number;
  deliveredOk: number;
  /** Whether the changed record reached the records queue through the webhook path. */
  arrived: boolean;
  /** From the change in the simulator to the envelope received from the records queue. */
  latencyMs?: number;
  unauthenticatedSent: number;
  unauthenticatedRefused: number;
}

export interface StartSummary {
  target: string;
  resources: string[];
  /** Envelopes per resource: live (lifecycle active) and removed (recycled, deleted, inactive). */
  records: Record<string, { live: number; removed: number }>;
  /** Simulator runs: removals delivered per resource against the simulator's (missed must be 0). */
  removals?: RemovalsRow[];
  invalidRecords: number;
  pushes: {
    sent: number;
    applied: number;
    appliedByOperation: Record<string, number>;
    deadLettered: number;
    /** What the local run saw of the retry path (absent with --aws: Lambda's own mappings retry there). */
    retries?: PushRetries;
    /** Simulator runs: every Procore write of the run and each origin_id in them no sample carried (must be none). */
    originIds?: OriginIdAudit;
    /** `returned`: how often the sample went back to the queue (local runs). */
    samples: { label: string; outcome: string; expected: string; returned?: number }[];
  };
  deadLetterQueues: DeadLetterQueueReport[];
  /** Simulator: its request log against its rate limits; real Procore: why it is not known. */
  procore: ProcoreUsage | { unavailable: string };
  eventSources: EventSourceReport[];
  webhooks?: WebhookReport;
  wallSeconds: number;
  /** What went wrong; the run exits 1 when there is any. */
  problems: string[];
}

const table = (rows: string[][], indent = '  '): string[] => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
  );
};

const oneLine = (text: string, max = 110) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function formatSummary(s: StartSummary): string {
  const lines: string[] = ['', `=== npm start summary (${s.target}) ===`, ''];

  const totalRecords = Object.values(s.records).reduce((sum, r) => sum + r.live + r.removed, 0);
  lines.push(`Records delivered to the records queue: ${totalRecords}${s.invalidRecords ? ` (+${s.invalidRecords} breaking the envelope contract)` : ''}`);
  lines.push(...recordsTable(s));
  lines.push('');
  if (s.removals) {
    const missed = s.removals.reduce((sum, r) => sum + r.missed, 0);
    lines.push(
      `Removals delivered (recycled, deleted, deactivated, closed) against the simulator's: ${missed} missed ` +
        `(checked for the ${s.removals.length} resource(s) the run removed records of; "-": not checked)`,
    );
    lines.push('');
  }

  const ops = Object.entries(s.pushes.appliedByOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  lines.push(`Pushes: ${s.pushes.sent} sent, ${s.pushes.applied} applied${ops ? ` (${ops})` : ''}, ${s.pushes.deadLettered} dead-lettered`);
  const r = s.pushes.retries;
  if (r) {
    lines.push(
      `Pushes retried: ${r.retried} came back to the queue after a transient failure (${r.procoreFaults} Procore fault(s) injected), ` +
        `${r.retriedApplied} of them applied; duplicate records in Procore: ${r.duplicates}`,
    );
  }
  if (s.pushes.originIds) lines.push(originIdAuditLine(s.pushes.originIds));
  lines.push(
    ...table([
      ['sample', 'outcome', 'expected', ...(r ? ['returned'] : [])],
      ...s.pushes.samples.map((p) => [p.label, p.outcome, p.expected, ...(r ? [String(p.returned ?? 0)] : [])]),
    ]),
  );
  lines.push('');

  if (s.webhooks) lines.push(...webhookLines(s.webhooks), '');

  lines.push('Dead-letter queues:');
  for (const dlq of s.deadLetterQueues) {
    if (dlq.messages.length === 0) {
      lines.push(`  ${dlq.name}: empty`);
      continue;
    }
    lines.push(`  ${dlq.name}: ${dlq.messages.length} message(s)`);
    lines.push(
      ...table(
        dlq.messages.map((m) => [m.sample ?? oneLine(m.body, 40), m.errorClass, oneLine(m.reason)]),
        '    ',
      ),
    );
  }
  lines.push('');

  if ('unavailable' in s.procore) {
    lines.push(`Procore requests: n/a (${s.procore.unavailable})`);
  } else {
    const p = s.procore;
    const share = ((100 * p.apiRequests) / p.hourlyBudget).toFixed(1);
    lines.push(
      `Procore requests: ${p.apiRequests} API requests of the ${p.hourlyBudget}/hour budget (${share}%; spike limit ${p.spikeBudget} per ${p.spikeWindowSeconds} s), ` +
        `${p.rateLimited} answered 429, ${p.tokenRequests} token request(s)`,
    );
  }
  lines.push(
    `Event sources: ${s.eventSources
      .map(
        (e) =>
          `${e.name} ${e.invocations} invocation(s), ${e.deleted}/${e.received} messages done, ${e.failed} returned as failures${e.invocationErrors ? `, ${e.invocationErrors} failed invocation(s)` : ''}${e.drained ? '' : ', NOT drained'}`,
      )
      .join('; ')}`,
  );
  lines.push(`Wall time: ${s.wallSeconds.toFixed(1)} s`);
  lines.push('');
  if (s.problems.length === 0) lines.push('Result: OK');
  else lines.push(`Result: FAILED\n${s.problems.map((p) => `  - ${p}`).join('\n')}`);
  return lines.join('\n');
}

/** One row per resource of the stage: records and removals delivered, and (simulator runs) removals checked against the simulator's. */
function recordsTable(s: StartSummary): string[] {
  const checked = (resource: string) => s.removals?.find((r) => r.resource === resource);
  const removalColumns = (resource: string) => {
    const row = checked(resource);
    return row ? [String(row.inSimulator), String(row.missed)] : ['-', '-'];
  };
  return table([
    ['resource', 'records', 'removed', ...(s.removals ? ['removed in simulator', 'missed'] : [])],
    ...s.resources.map((r) => [r, String(s.records[r]?.live ?? 0), String(s.records[r]?.removed ?? 0), ...(s.removals ? removalColumns(r) : [])]),
  ]);
}

function webhookLines(w: WebhookReport): string[] {
  const latency = w.latencyMs === undefined ? 'n/a' : `${(w.latencyMs / 1000).toFixed(1)} s`;
  return [
    `Webhooks: webhooks apply made ${w.hookChanges} change(s)${w.applyErrors.length ? ` (${w.applyErrors.length} error(s))` : ''}; ` +
      `${w.deliveredOk} of ${w.procoreDeliveries} Procore delivery(ies) accepted`,
    `Webhook path: ${w.resource} ${w.recordId} changed in the simulator -> ${w.arrived ? `on the records queue in ${latency} (change to delivery)` : 'NOT on the records queue'}`,
    `Unauthenticated deliveries refused: ${w.unauthenticatedRefused} of ${w.unauthenticatedSent}`,
  ];
}
