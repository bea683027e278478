// Everything the table knows about a company's sync scopes (cursors, leases, checkpoints,
// failures), for the CLI's status view.
import type { SyncTable } from './cursor';
import { querySyncPartition } from './partition-query';
import type { SyncStateKind } from './state-keys';

export interface SyncStateItem {
  kind: SyncStateKind;
  companyId: number;
  projectId: number | null;
  resource: string;
  [field: string]: unknown;
}

export async function listSyncState(table: SyncTable, companyId: number): Promise<SyncStateItem[]> {
  return (await querySyncPartition(table, companyId)).map(({ pk: _pk, sk: _sk, ...rest }) => rest as SyncStateItem);
}
