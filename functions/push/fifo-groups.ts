// A FIFO batch: each message group's records in order, groups side by side. After a record of a
// group fails (it will be retried), the group's later records are not run and fail with it, so the
// group keeps its order: it waits for the failed one, bounded by the queue's maxReceiveCount.
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
  /** Runs group chains, at most so many at once. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
}

export async function processFifoBatch(records: SQSRecord[], handle: (record: SQSRecord) => Promise<void>, options: FifoOptions): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? '';
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failed = new Set<string>();
  await Promise.all(
    [...groups.values()].map((chain) =>
      options.limit(async () => {
        let blocked = false;
        for (const record of chain) {
          if (blocked && !options.lastReceive(record)) {
            failed.add(record.messageId);
            continue;
          }
          try {
            await handle(record);
          } catch {
            failed.add(record.messageId);
            blocked = true;
          }
        }
      }),
    ),
  );
  return { batchItemFailures: records.filter((r) => failed.has(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}
