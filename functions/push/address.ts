// Which record a push message writes: the one it addresses (procoreId, else originId), never one
// named elsewhere. The contract already refuses `data.id` and `data.origin_id` that disagree with
// the address (contracts/push-message.ts); this checks what only the state table knows: a message
// naming both procoreId and originId while the origin map holds that originId for ANOTHER record
// names two records at once. It is refused before anything is written, and the origin map is
// never re-pointed by it (PushOriginMap.put refuses that too, for a race between two messages).
import { PermanentError } from '../commons/failure/permanent-error';
import type { ApplyDeps, PushWrite } from './push-write';

const ADDRESS_CONFLICT = 'AddressConflict';

export async function checkAddress(deps: Pick<ApplyDeps, 'originMap'>, { message }: PushWrite): Promise<void> {
  if (message.operation === 'create' || message.procoreId === undefined || message.originId === undefined) return;
  const mapped = await deps.originMap.get({ companyId: message.companyId, resource: message.resource, originId: message.originId });
  if (mapped && mapped.procoreId !== message.procoreId) {
    throw new PermanentError(
      ADDRESS_CONFLICT,
      `procoreId ${message.procoreId} and originId ${JSON.stringify(message.originId)} name different ${message.resource} records ` +
        `(the origin map has that originId for ${mapped.procoreId}); send one address, or the pair that belongs together`,
    );
  }
}
