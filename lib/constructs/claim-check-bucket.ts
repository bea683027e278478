// Where a record too large for one queue message (MAX_MESSAGE_BYTES) travels: the worker puts it
// here and the envelope on the records queue names the object (claim check). Objects are transient:
// the lifecycle rule removes them once no message that points to them can still exist.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION } from './queues';

export interface ClaimCheckBucketProps {
  /**
   * How long an object lives. Longer than any message pointing to it: a record envelope lives at most
   * 14 days (SQS's longest retention; a standard DLQ keeps the original enqueue time), plus time for a
   * redrive back to the records queue.
   * @default 30 days
   */
  readonly expiration?: Duration;
  /** @default RemovalPolicy.RETAIN. DESTROY fails while objects remain (no auto-delete custom resource: moto cannot run one). */
  readonly removalPolicy?: RemovalPolicy;
}

export class ClaimCheckBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ClaimCheckBucketProps = {}) {
    super(scope, id);
    const expiration = props.expiration ?? Duration.days(30);
    if (expiration.toDays() <= DEAD_LETTER_RETENTION.toDays()) {
      throw new Error(
        `ClaimCheckBucket ${id}: expiration must exceed ${DEAD_LETTER_RETENTION.toDays()} days, the longest a message pointing to an object can live`,
      );
    }
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [{ id: 'expire-claim-checks', expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are transient copies of Procore records that expire with the lifecycle rule; who wrote and read them is in CloudTrail (data events, if the account records them). A second, log-only bucket would hold more than this one.',
    });
  }
}
