// The state table's key schema, without CDK: the stack's table (state-table.ts) and the moto copy
// the local runs and tests create (local/create-state-table.ts) read it from here, so they agree.
export const STATE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiration' } as const;
