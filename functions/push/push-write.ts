// What applying a push message works with: the message with its registry entry and Procore scope
// (found once, when the batch is planned), what applying needs, and what it did.
import type { PushMessage } from '../commons/contracts/push-message';
import type { ProcoreClient } from '../commons/procore/client';
import type { ResourceDefinition, ScopeIds } from '../commons/resources/resource-definition';
import type { PushOriginMap } from './state/origin-map';

export interface PushWrite<M extends PushMessage = PushMessage> {
  message: M;
  resource: ResourceDefinition;
  scope: ScopeIds;
}

export type UpsertMessage = Extract<PushMessage, { operation: 'upsert' }>;
/** A create with the upstream key: Procore's `/sync` creates it, or updates the record a repeat finds. */
export type CreateWithOriginMessage = Extract<PushMessage, { operation: 'create' }> & { originId: string };
/** What goes through a resource's batch upsert (`/sync`). */
export type BatchUpsertMessage = UpsertMessage | CreateWithOriginMessage;

export interface ApplyDeps {
  procore: Pick<ProcoreClient, 'request'>;
  originMap: PushOriginMap;
}

/** What an applied message did; saved with its idempotency record and reported as the result. */
export interface AppliedTarget {
  procoreId: number;
  projectId: number | null;
  originId: string | null;
}
