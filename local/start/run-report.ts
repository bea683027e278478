// What both runs (local, and --aws against a deployed stage) read back into the summary: records
// per resource, pushes applied per operation, the dead-letter queues with the sample each letter
// came from, and each push sample's outcome against what it expects.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import type { PushResult } from '../../functions/commons/contracts/push-result';
import { peekDeadLetters } from './downstream';
import type { PushSample } from './push-samples';
import type { DeadLetterQueueReport, StartSummary } from './summary';

/** Envelopes per resource, live and removed; every resource of the stage has a row. */
export function countRecords(resources: string[], envelopes: RecordEnvelope[]): StartSummary['records'] {
  const records: StartSummary['records'] = Object.fromEntries(resources.map((r) => [r, { live: 0, removed: 0 }]));
  for (const envelope of envelopes) {
    const row = records[envelope.resource] ?? { live: 0, removed: 0 };
    row[envelope.lifecycle === 'active' ? 'live' : 'removed'] += 1;
    records[envelope.resource] = row;
  }
  return records;
}

/** A problem per resource of the stage that delivered no live record (a simulator run seeds every one). */
export function resourcesWithoutRecords(resources: string[], records: StartSummary['records']): string[] {
  return resources.filter((r) => (records[r]?.live ?? 0) === 0).map((r) => `no ${r} records were delivered, though the simulator holds some`);
}

/** The applied results, counted per operation. */
export function appliedByOperation(results: PushResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) if (r.status === 'applied') counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  return counts;
}

/** Every dead-letter and failure queue of the stack's outputs, peeked (left in place), letters named by their sample. */
export async function readDeadLetterQueues(sqs: SQSClient, outputs: Record<string, string>, samples: PushSample[]): Promise<DeadLetterQueueReport[]> {
  const sampleOf = (body: string) => samples.find((s) => s.body === body)?.label;
  const reports: DeadLetterQueueReport[] = [];
  for (const [name, url] of Object.entries(outputs).filter(([key]) => /DeadLetterQueueUrl$|FailureQueueUrl$/.test(key))) {
    const letters = await peekDeadLetters(sqs, url);
    reports.push({
      name: name.replace(/Url$/, ''),
      messages: letters.map((l) => {
        const sample = sampleOf(l.body);
        return { errorClass: l.errorClass, reason: l.reason, receiveCount: l.receiveCount, body: l.body, ...(sample ? { sample } : {}) };
      }),
    });
  }
  return reports;
}

/**
 * A sample's outcome (its result, else its dead letter, else `unseen`), what it expects, and
 * whether they agree: applied, or dead-lettered with one of the expected error classes.
 */
export function sampleOutcome(
  sample: PushSample,
  result: PushResult | undefined,
  letter: { errorClass: string } | undefined,
  unseen: string,
): { outcome: string; expected: string; ok: boolean } {
  const outcome = result?.status === 'applied' ? 'applied' : letter ? `dead-lettered: ${letter.errorClass}` : unseen;
  const expected = sample.expect === 'applied' ? 'applied' : `dead-lettered: ${sample.expect.join(' or ')}`;
  const ok = sample.expect === 'applied' ? outcome === 'applied' : letter !== undefined && sample.expect.includes(letter.errorClass);
  return { outcome, expected, ok };
}
