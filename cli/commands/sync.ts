import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResourceNameSchema, RESOURCE_NAMES } from '../../functions/commons/resources/names';
import { listResources } from '../../functions/commons/resources/registry';
import { cliSqsClient } from '../aws/sqs';
import { QUEUE_OUTPUTS, STATE_TABLE_OUTPUT } from '../aws/stack-outputs';
import { CliError, defineCommand, idOption, requireOption, UsageError, type Command } from '../command';
import { json, keyValues } from '../format';
import { readStageConfig } from '../stage';
import { ScopeBusyError, startSync, syncScopeOf, type StartSyncResult } from '../sync/start-sync';
import { flagOrOutput, STAGE_HELP, STAGE_OPTIONS, stackOutputsFor } from '../targets';

const HELP = `connector sync: start a pull of one scope now (outside the schedule)

Puts a sync job on the sync-jobs queue, the same job the scheduled planner would enqueue; a pull
worker picks it up within seconds and delivers the records to the records queue. A scope backing
off after failing for good (403, 404; see status) has its back-off cleared.

Usage:
  connector sync --stage S --company ID [--project ID] --resource NAME [--full] [--force] [--json]
  connector sync --jobs-queue-url URL --table NAME --company ID [--project ID] --resource NAME [--full]

Options:
${STAGE_HELP}
  --jobs-queue-url URL   the sync-jobs queue (default: stack output SyncJobsQueueUrl)
  --table NAME           the state table (default: stack output StateTableName)
  --company ID           the Procore company
  --project ID           the project (project-scoped resources only)
  --resource NAME        ${RESOURCE_NAMES.join(', ')}, or one the stage declares
  --full                 full resync: forget the scope's cursor and read every record up to now
                         (an incremental pull reads from the cursor minus a few minutes' overlap)
  --force                enqueue even if a job for the scope is already queued or running
  --json                 machine-readable output
  -h, --help             this help`;

export const syncCommand: Command = defineCommand({
  name: 'sync',
  help: HELP,
  options: {
    ...STAGE_OPTIONS,
    'jobs-queue-url': { type: 'string' },
    table: { type: 'string' },
    company: { type: 'string' },
    project: { type: 'string' },
    resource: { type: 'string' },
    full: { type: 'boolean' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const companyId = idOption('sync', requireOption('sync', values.company, '--company', 'the Procore company to pull'), '--company') as number;
    const projectId = idOption('sync', values.project, '--project');
    // The stage first: its declared resources are resources too.
    const sync = values.stage ? readStageConfig(values.stage).config.sync : undefined;
    const resourceName = requireOption(
      'sync',
      values.resource,
      '--resource',
      `one of ${listResources()
        .map((r) => r.name)
        .join(', ')}`,
    );
    const resource = ResourceNameSchema.safeParse(resourceName);
    if (!resource.success) throw new UsageError(`sync: --resource: ${resource.error.issues[0]?.message}`);
    try {
      syncScopeOf({ companyId, resource: resource.data, ...(projectId !== undefined ? { projectId } : {}) });
    } catch (error) {
      throw new UsageError(`sync: ${(error as Error).message}`);
    }
    const outputs = stackOutputsFor('sync', values);
    const jobsQueueUrl = await flagOrOutput(values['jobs-queue-url'], outputs, QUEUE_OUTPUTS.jobs.queue, '--jobs-queue-url');
    const tableName = await flagOrOutput(values.table, outputs, STATE_TABLE_OUTPUT, '--table');

    let result: StartSyncResult;
    try {
      result = await startSync(
        {
          companyId,
          resource: resource.data,
          ...(projectId !== undefined ? { projectId } : {}),
          full: Boolean(values.full),
          force: Boolean(values.force),
          ...(sync ? { leaseMinutes: sync.leaseMinutes, initialLookbackDays: sync.initialLookbackDays, overlapMinutes: sync.overlapMinutes } : {}),
        },
        {
          sqs: cliSqsClient(),
          table: { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName },
          jobsQueueUrl,
        },
      );
    } catch (error) {
      if (error instanceof ScopeBusyError) throw new CliError(`sync: ${error.message}`);
      throw error;
    }
    if (values.json) {
      io.out(json(result));
      return 0;
    }
    io.out(
      keyValues([
        ['Scope', result.scope],
        ['Job', `${result.job.jobId} on ${jobsQueueUrl}`],
        ['Window', `records updated up to ${result.job.windowEnd}${result.job.full ? ', from the beginning (full resync)' : ', from the cursor'}`],
        ...(result.cursorReset ? [['Cursor', `reset (was ${result.previousCursor ?? 'not set'})`] as [string, string]] : []),
        ...(!result.leased ? [['Lease', 'not taken (--force): another job of this scope may run at the same time'] as [string, string]] : []),
        ...(result.backoffCleared ? [['Back-off', 'cleared: the scope had failed for good; the schedule takes it again from now'] as [string, string]] : []),
      ]),
    );
    return 0;
  },
});
