import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listSyncState } from '../../functions/pull/state/status';
import { STATE_TABLE_OUTPUT } from '../aws/stack-outputs';
import { defineCommand, idOption, requireOption, type Command } from '../command';
import { json, oneLine, table } from '../format';
import { scopeStatuses, type ScopeStatus } from '../status/scope-status';
import { flagOrOutput, STAGE_HELP, STAGE_OPTIONS, stackOutputsFor } from '../targets';

const HELP = `connector status: where each sync scope of a company stands

Lists, per resource and project: the cursor (records updated up to it were delivered), the last
completed pull, a job holding the scope (lease), a pull in progress across worker invocations
(checkpoint: next page), the last permanent failure (its job is in the sync-jobs DLQ) and the
back-off it put the scope in (the schedule leaves it until then; \`connector sync\` clears it).

Usage:
  connector status --stage S --company ID [--json]
  connector status --table NAME --company ID [--json]

Options:
${STAGE_HELP}
  --table NAME           the state table (default: stack output StateTableName)
  --company ID           the Procore company
  --json                 machine-readable output
  -h, --help             this help`;

export const statusCommand: Command = defineCommand({
  name: 'status',
  help: HELP,
  options: { ...STAGE_OPTIONS, table: { type: 'string' }, company: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const companyId = idOption('status', requireOption('status', values.company, '--company', 'the Procore company'), '--company') as number;
    const tableName = await flagOrOutput(values.table, stackOutputsFor('status', values), STATE_TABLE_OUTPUT, '--table');
    const items = await listSyncState({ db: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName }, companyId);
    const statuses = scopeStatuses(items, Date.now());
    io.out(values.json ? json(statuses) : renderStatuses(companyId, statuses));
    return 0;
  },
});

export function renderStatuses(companyId: number, statuses: ScopeStatus[]): string {
  if (statuses.length === 0) return `Company ${companyId}: no sync state yet (no pull has run for it).`;
  return [
    `Company ${companyId}: ${statuses.length} scope(s)`,
    '',
    table(
      ['RESOURCE', 'PROJECT', 'CURSOR', 'LAST PULL', 'IN PROGRESS', 'LAST FAILURE', 'BACK-OFF'],
      statuses.map((s) => [
        s.resource,
        s.projectId ?? '-',
        s.cursor ?? 'never pulled',
        lastPullText(s),
        inProgress(s),
        s.failure
          ? oneLine(`${s.failure.errorClass}${s.failure.httpStatus ? ` ${s.failure.httpStatus}` : ''}: ${s.failure.message} (${s.failure.failedAt})`, 80)
          : '',
        backoffText(s),
      ]),
    ),
  ].join('\n');
}

function lastPullText(s: ScopeStatus): string {
  if (!s.lastPull) return '';
  return [
    `${s.lastPull.records} records in ${s.lastPull.pages} page(s) at ${s.lastPull.finishedAt}`,
    ...(s.inactiveDelivered ? [`${s.inactiveDelivered} delivered as inactive`] : []),
    ...(s.lastPull.removalsUnavailable ? [oneLine(`removals not read: ${s.lastPull.removalsUnavailable}`, 60)] : []),
  ].join('; ');
}

function backoffText(s: ScopeStatus): string {
  if (!s.backoff) return '';
  const failures = `${s.backoff.consecutiveFailures} failure(s) in a row`;
  return s.backoff.active ? `until ${s.backoff.retryAt} (${failures})` : `over, next schedule retries (${failures})`;
}

function inProgress(s: ScopeStatus): string {
  if (s.checkpoint) {
    // A checkpoint says where in its updated_at window the pull goes on (an older one: a page of the window).
    const { resumeFrom, nextPage, recordsSoFar } = s.checkpoint;
    const where = resumeFrom === undefined ? `page ${nextPage}` : `from ${resumeFrom}${nextPage > 1 ? ` page ${nextPage}` : ''}`;
    return `${where} next, ${recordsSoFar} records so far`;
  }
  if (s.lease && !s.lease.expired) return `job ${s.lease.holder} (lease until ${s.lease.expiresAt})`;
  if (s.lease) return `stale lease of ${s.lease.holder} (expired)`;
  return '';
}
