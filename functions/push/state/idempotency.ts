// Idempotency records of push messages in the state table, through Powertools idempotency.
// Powertools' DynamoDB layer puts every record under ONE partition key when the table has a sort
// key; here each message id gets its own partition (pk = hashed key, sk = "idempotency") so a busy
// push queue does not make a hot partition.
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Records outlive SQS's longest retention (14 days), so any redelivery or redrive finds them. */
export const PUSH_IDEMPOTENCY_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Fixed key prefix: keys survive a renamed or replaced function. */
export const PUSH_IDEMPOTENCY_KEY_PREFIX = 'push';

const PUSH_IDEMPOTENCY_SORT_KEY = 'idempotency';

class StateTablePersistenceLayer extends DynamoDBPersistenceLayer {
  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    return { pk: { S: idempotencyKey }, sk: { S: PUSH_IDEMPOTENCY_SORT_KEY } };
  }
}

export function pushIdempotencyStore(options: { tableName: string; client: DynamoDBClient }): DynamoDBPersistenceLayer {
  return new StateTablePersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    expiryAttr: 'expiration',
  });
}

/**
 * Keyed on the message `id`; the rest of the message is validated against the stored record, so
 * an id reused for a different write fails (IdempotencyValidationError) instead of being skipped.
 */
export function pushIdempotencyConfig(): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: 'id',
    payloadValidationJmesPath: '[resource, operation, companyId, projectId, procoreId, originId, data]',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: PUSH_IDEMPOTENCY_TTL_SECONDS,
  });
}
