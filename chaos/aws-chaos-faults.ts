// The AWS-side fault mix of the push chaos run, beside Procore's (chaos-faults.ts), decided per
// call of the push functions through the AWS fault proxy (aws-fault-proxy.ts), from a seeded PRNG:
// - state writes after Procore accepted a write (origin-map puts, create-journal "created" notes,
//   idempotency completions) are throttled: a write drawn to fail is refused for every one of the
//   SDK's attempts, so the function sees it fail;
// - SendMessageBatch (results and dead letters) fails in part (some entries refused) or as a whole;
// - Secrets Manager refuses reads for a while (opened by the run, e.g. when a sandbox is killed, so
//   its replacement's cold start meets it);
// - once armed, the next state write after Procore's answer is held unanswered while the run kills
//   the function that made it: a crash between Procore's answer and the state write.
import { mulberry32, type Random } from '../simulator/prng';
import { awsError, type AwsCall, type AwsFault } from './aws-fault-proxy';

export interface AwsChaosOptions {
  seed: number;
  /** Share of state writes after Procore's answer that the function sees fail (throttled). */
  stateWriteFailureRate: number;
  /** Share of SendMessageBatch attempts answered with some entries failed. */
  sendBatchPartialRate: number;
  /** Share of SendMessageBatch calls that fail as a whole (every SDK attempt). */
  sendBatchFailureRate: number;
  /** GetSecretValue attempts refused once the outage opens (the SDK makes 3 per read). */
  secretReadsRefused: number;
}

export interface AwsFaultCounts {
  stateWritesRefused: number;
  sendBatchPartial: number;
  sendBatchFailed: number;
  secretReadsRefused: number;
  /** State writes held while their function was killed. */
  heldStateWrites: number;
}

/** The SDK's default attempts per call: a write drawn to fail is refused this many times. */
const SDK_ATTEMPTS = 3;

export class AwsChaos {
  readonly counts: AwsFaultCounts = { stateWritesRefused: 0, sendBatchPartial: 0, sendBatchFailed: 0, secretReadsRefused: 0, heldStateWrites: 0 };
  private readonly random: Random;
  /** Calls drawn to fail, by key: attempts still to refuse. */
  private readonly failing = new Map<string, number>();
  private readonly drawn = new Set<string>();
  private secretRefusalsLeft = 0;
  private holdArmed = false;

  constructor(private readonly options: AwsChaosOptions) {
    this.random = mulberry32(options.seed ^ 0xa5);
  }

  /** Secrets Manager refuses the next reads (from now). */
  openSecretOutage(): void {
    this.secretRefusalsLeft = this.options.secretReadsRefused;
  }

  /** The next state write after Procore's answer is held (once). */
  armHoldAfterAnswer(): void {
    this.holdArmed = true;
  }

  decide(call: AwsCall): AwsFault | undefined {
    if (call.service === 'secretsmanager' && call.operation === 'GetSecretValue' && this.secretRefusalsLeft > 0) {
      this.secretRefusalsLeft -= 1;
      this.counts.secretReadsRefused += 1;
      return awsError('InternalServiceError', 500);
    }
    if (call.service === 'dynamodb' && isStateWriteAfterAnswer(call)) {
      if (this.holdArmed) {
        this.holdArmed = false;
        this.counts.heldStateWrites += 1;
        return { kind: 'hold' };
      }
      if (this.refuseRepeatedly(`${call.operation}#${keyOf(call)}`, this.options.stateWriteFailureRate)) {
        this.counts.stateWritesRefused += 1;
        return awsError('ProvisionedThroughputExceededException');
      }
    }
    if (call.service === 'sqs' && call.operation === 'SendMessageBatch') {
      if (this.refuseRepeatedly(`batch#${JSON.stringify(call.body?.Entries ?? [])}`, this.options.sendBatchFailureRate)) {
        this.counts.sendBatchFailed += 1;
        return awsError('InternalError', 500);
      }
      const entries = Array.isArray(call.body?.Entries) ? call.body.Entries.length : 0;
      // The first batch of a run with no batch fault yet is refused in part, so a short run (the fast
      // size in npm test: a handful of batches) always meets the fault it reports on.
      const firstChance = this.counts.sendBatchPartial + this.counts.sendBatchFailed === 0 && this.options.sendBatchPartialRate > 0;
      if (entries > 0 && (firstChance || this.random() < this.options.sendBatchPartialRate)) {
        this.counts.sendBatchPartial += 1;
        const refused = Math.floor(this.random() * entries);
        return { kind: 'partial-batch', keep: (i) => i !== refused };
      }
    }
    return undefined;
  }

  /** Draws once per key; a key drawn to fail is refused for all of the SDK's attempts. */
  private refuseRepeatedly(key: string, rate: number): boolean {
    if (!this.drawn.has(key)) {
      this.drawn.add(key);
      if (this.random() < rate) this.failing.set(key, SDK_ATTEMPTS);
    }
    const left = this.failing.get(key) ?? 0;
    if (left <= 0) return false;
    this.failing.set(key, left - 1);
    return true;
  }
}

type AttributeMap = Record<string, { S?: string } | undefined>;

/** Origin-map puts, "created" notes and idempotency completions: what is written after Procore's answer. */
function isStateWriteAfterAnswer(call: AwsCall): boolean {
  const item = (call.body?.Item ?? {}) as AttributeMap;
  if (call.operation === 'PutItem') {
    const pk = item.pk?.S ?? '';
    return pk.startsWith('push-origin#') || (pk.startsWith('push-create#') && item.state?.S === 'created');
  }
  if (call.operation === 'UpdateItem') {
    const values = (call.body?.ExpressionAttributeValues ?? {}) as AttributeMap;
    return Object.values(values).some((v) => v?.S === 'COMPLETED');
  }
  return false;
}

function keyOf(call: AwsCall): string {
  const key = ((call.body?.Item ?? call.body?.Key ?? {}) as AttributeMap).pk?.S;
  return key ?? JSON.stringify(call.body ?? {});
}
