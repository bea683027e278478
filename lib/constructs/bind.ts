// The one way a function gets a resource: the environment variable its handler reads and the grant
// for what it does with the resource, set together, so neither exists without the other.
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** DynamoDB item actions a connector function may be given (IAM names without "dynamodb:"). */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query' | 'BatchGetItem' | 'BatchWriteItem';

/** What a function does in the state table: these actions, on items whose partition key starts with one of these prefixes. */
export interface TableAccess {
  readonly actions: readonly ItemAction[];
  /** Partition key prefixes (dynamodb:LeadingKeys); at least one. */
  readonly keyPrefixes: readonly string[];
}

export type Binding =
  /** Queue URL in `env`; send to it, or consume it (receive, delete, change visibility: what the handler does to its own event source). */
  | { readonly env: string; readonly queue: IQueue; readonly use: 'send' | 'consume' }
  /** Table name in `env`; the given item actions on the given key prefixes only. */
  | { readonly env: string; readonly table: ITable; readonly access: TableAccess }
  /** Bucket name in `env`; get objects, or get and put them (no list, no delete: the bucket's lifecycle expires them). */
  | { readonly env: string; readonly bucket: IBucket; readonly use: 'read' | 'readPut' }
  /**
   * Secret id in `env` (the name or ARN as configured: `secretId`); read, plus kms:Decrypt through
   * Secrets Manager when the ISecret carries its customer managed key.
   */
  | { readonly env: string; readonly secret: ISecret; readonly secretId: string };

/** A function whose environment is tracked (ConnectorFunction): what `bind` binds to. */
export interface BindTarget {
  readonly function: IFunction;
  addEnvironment(key: string, value: string): void;
}

export function bind(target: BindTarget, binding: Binding): void {
  const fn = target.function;
  if ('queue' in binding) {
    target.addEnvironment(binding.env, binding.queue.queueUrl);
    if (binding.use === 'consume') binding.queue.grantConsumeMessages(fn);
    else binding.queue.grantSendMessages(fn);
  } else if ('table' in binding) {
    target.addEnvironment(binding.env, binding.table.tableName);
    fn.addToRolePolicy(tableStatement(binding.table, binding.access));
  } else if ('bucket' in binding) {
    target.addEnvironment(binding.env, binding.bucket.bucketName);
    fn.addToRolePolicy(bucketStatement(target, binding.bucket, binding.use));
  } else {
    target.addEnvironment(binding.env, binding.secretId);
    binding.secret.grantRead(fn);
    const key = binding.secret.encryptionKey;
    // grantRead's own KMS grant goes nowhere for an imported key (the key policy it would extend is
    // not ours), so the function's role gets the statement itself.
    if (key) {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` } },
        }),
      );
    }
  }
}

/**
 * Object actions only (no listing, no delete), on the bucket's objects. S3_MANAGED encryption needs
 * no KMS grant. Multipart uploads (lib-storage) run under s3:PutObject plus AbortMultipartUpload.
 */
function bucketStatement(target: BindTarget, bucket: IBucket, use: 'read' | 'readPut'): PolicyStatement {
  const objects = bucket.arnForObjects('*');
  const role = target.function.role;
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  if (role) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'Object keys are chosen at run time (one per oversized record); the grant covers objects of this one bucket, with object actions only (no list, no delete).',
    });
  }
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: use === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
    resources: [objects],
  });
}

/**
 * One statement: exactly these actions, and only on items whose partition key starts with one of
 * the prefixes (dynamodb:LeadingKeys, "ForAllValues:StringLike"):
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
function tableStatement(table: ITable, access: TableAccess): PolicyStatement {
  if (access.actions.length === 0 || access.keyPrefixes.length === 0) {
    throw new Error('bind: a table binding needs at least one action and one key prefix');
  }
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: access.actions.map((action) => `dynamodb:${action}`),
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.keyPrefixes.map((prefix) => `${prefix}*`) } },
  });
}
