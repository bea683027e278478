// What the push, pull and webhook constructs' functions share, built once by the stack
// (connector-stack.ts) and passed to each construct as part of its props.
import type { RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { TracingMode } from '../config/tracing-mode';
import { bind, type BindTarget } from './bind';

export interface SharedFunctionProps {
  /** Non-resource variables every handler gets (stage, Procore environment). */
  readonly commonEnvironment: Record<string, string>;
  /** JSON files every function gets in its code (the stage's declared resources), by file name. */
  readonly commonFiles: Record<string, unknown>;
  /** The DMSA secret the functions read (with its KMS key, if customer managed). */
  readonly secret: ISecret;
  /** The secret's name or ARN as configured: what the handlers pass to GetSecretValue. */
  readonly secretId: string;
  /** The state table; what each function may do in it is in state-access.ts. */
  readonly table: ITable;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** The stage's tracing setting. @default "lambda" */
  readonly tracing?: TracingMode;
}

/** DMSA_SECRET_ID and the read grant: every function that calls Procore. */
export function bindDmsaSecret(target: BindTarget, props: Pick<SharedFunctionProps, 'secret' | 'secretId'>): void {
  bind(target, { env: 'DMSA_SECRET_ID', secret: props.secret, secretId: props.secretId });
}

/**
 * Where delivered records go (runtime-env.ts's record-delivery fragment): the records queue, and the
 * claim-check bucket for records too large for one message. The pull worker and the webhook consumer.
 */
export function bindRecordDelivery(target: BindTarget, to: { recordsQueue: IQueue; claimCheckBucket: IBucket }): void {
  bind(target, { env: 'RECORDS_QUEUE_URL', queue: to.recordsQueue, use: 'send' });
  bind(target, { env: 'CLAIM_CHECK_BUCKET', bucket: to.claimCheckBucket, use: 'readPut' });
}
