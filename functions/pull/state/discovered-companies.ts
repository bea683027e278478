// The companies the last successful discovery found (GET /rest/v1.0/companies: where the app is
// installed). Procore needs a Procore-Company-Id header even for that call, so the next discovery
// asks from these, one after another, and no single configured company has to stay installed.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../../commons/validation/zod';
import type { SyncTable } from './cursor';

const KEY = { pk: 'sync#discovery', sk: 'companies' };

const DiscoveredCompaniesSchema = z.object({
  ids: z.array(z.number().check(z.int(), z.positive())),
  /** The company whose header the successful discovery was sent with. */
  askedFrom: z.number().check(z.int(), z.positive()),
  discoveredAt: z.string(),
});
export type DiscoveredCompanies = z.infer<typeof DiscoveredCompaniesSchema>;

/** The last discovery's result; undefined when none has succeeded yet (or the item is unreadable). */
export async function readDiscoveredCompanies(table: SyncTable): Promise<DiscoveredCompanies | undefined> {
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: KEY, ConsistentRead: true }));
  const parsed = DiscoveredCompaniesSchema.safeParse(Item);
  return parsed.success ? parsed.data : undefined;
}

export async function saveDiscoveredCompanies(table: SyncTable, discovered: DiscoveredCompanies): Promise<void> {
  await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...KEY, kind: 'discovery', ...discovered } }));
}
