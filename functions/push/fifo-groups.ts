// A FIFO batch, in rounds: round r runs the r-th record of every message group in the batch side by
// side, and the next round starts when this one is done. So each group's records run in order, and
// the upserts of different groups in one round can share one batch upsert (/sync) call (the caller
// forms those calls per round, `beforeRound`), never more than one record of a group in a call:
// Procore documents no order in which /sync applies its `updates` (see plan-batch.ts). After a
// record of a group fails (it will be retried), the group's later records are not run and fail
// with it, so the group keeps its order: it waits for the failed one, bounded by the queue's
// maxReceiveCount. A slow record holds the next round of the other groups back too (a batch holds
// at most 10 records on a FIFO queue, so at most 10 rounds).
//
// Why not Powertools' SqsFifoPartialProcessor with skipGroupOnError alone: the records it skips
// are received again with their group, so their ApproximateReceiveCount climbs with the failing
// one's, and the redrive policy moves them to the DLQ with it, never run (issue 13). The connector
// dead-letters a failing record itself on its last attempt (decisions.ts) so the group goes on;
// and should that dead letter not get out, the failed record's next receive (the redrive's spare)
// dead-letters it before any work, so its followers on their own last attempt are run now rather
// than dead-lettered unprocessed.
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export interface FifoOptions {
  /** Whether this receive is the connector's last attempt at the record (decisions.ts isLastAttempt). */
  lastReceive: (record: SQSRecord) => boolean;
  /** Runs a round's records, at most so many at once. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Told the records a round will run (at most one per message group) before it runs them. */
  beforeRound?: (records: SQSRecord[], round: number) => void;
}

export async function processFifoBatch(records: SQSRecord[], handle: (record: SQSRecord) => Promise<void>, options: FifoOptions): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? '';
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failed = new Set<string>();
  const blocked = new Set<string>();
  for (let round = 0; ; round++) {
    const step = [...groups].flatMap(([group, chain]) => (round < chain.length ? [{ group, record: chain[round]! }] : []));
    if (step.length === 0) break;
    const run = step.filter(({ group, record }) => {
      if (!blocked.has(group) || options.lastReceive(record)) return true;
      failed.add(record.messageId);
      return false;
    });
    options.beforeRound?.(
      run.map((r) => r.record),
      round,
    );
    await Promise.all(
      run.map(({ group, record }) =>
        options.limit(async () => {
          try {
            await handle(record);
          } catch {
            failed.add(record.messageId);
            blocked.add(group);
          }
        }),
      ),
    );
  }
  return { batchItemFailures: records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}
