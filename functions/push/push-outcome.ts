// How each message of a batch ended, as plain data: the apply step returns it, the report step
// turns it into dead letters, results and metrics.
import type { SQSRecord } from 'aws-lambda';
import type { PushMessage } from '../commons/contracts/push-message';
import type { Failure } from '../commons/failure/classify';
import type { AppliedTarget } from './push-write';

/** Procore took the message; its result is still to be reported. */
export interface Applied {
  status: 'applied';
  record: SQSRecord;
  message: PushMessage;
  target: AppliedTarget;
  /** Applied through a batch upsert (/sync) call. */
  viaSync: boolean;
}

/** The message failed for good (or on its last receive); `sent` once its DLQ copy is out. */
export interface DeadLettered {
  status: 'dead_lettered';
  record: SQSRecord;
  failure: Failure;
  message?: PushMessage;
  /** The message id when the body had a readable one. */
  id?: string;
  sent: boolean;
}

export type PushOutcome = Applied | DeadLettered;

export interface PushMetrics {
  count(name: 'PushApplied' | 'PushDeadLettered' | 'PushRetried' | 'PushSyncItems', value?: number): void;
}
