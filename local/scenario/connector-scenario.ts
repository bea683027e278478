// One connector, stood up locally for whole-system runs (chaos, bench): the Procore simulator, the
// stack's queues in moto (sync jobs + DLQ, records, push + DLQ, results), the state table, the DMSA
// secret, and each function's environment exactly as the stack would set it. Handlers are not
// started here: callers run them (in-process or in a function host) with `env` and `entries`.
// Needs AWS_ENDPOINT_URL (moto) and dummy credentials in process.env.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { redriveMaxReceiveCount } from '../../functions/commons/failure/decisions';
import type { ResourceName } from '../../functions/commons/resources/names';
import type { SyncConfig } from '../../functions/pull/sync-config';
import { startSimulator, type ProcoreSimulator, type SimulatorOptions } from '../../simulator';
import { createStateTable } from '../create-state-table';
import { queueArn } from '../../cli/aws/sqs';
import { DEFAULT_TRACING_MODE, type TracingMode, tracingEnvironment } from '../../lib/config/tracing-mode';

export interface QueueRef {
  url: string;
  arn: string;
}

export interface ConnectorScenarioOptions {
  simulator?: SimulatorOptions;
  /** The planner's SYNC_CONFIG (companies default 'all', discovery company filled in). */
  sync?: Partial<SyncConfig> & { resources: ResourceName[] };
  /** Event-source queues: their visibility timeout must cover the function's timeout, as in the stack. */
  /** maxReceiveCount as the stage config means it: the connector's attempts (the queue's redrive allows one more). */
  jobs?: { visibilityTimeoutSeconds: number; maxReceiveCount: number };
  push?: { visibilityTimeoutSeconds: number; maxReceiveCount: number };
  /** POWERTOOLS_LOG_LEVEL of every function (default INFO). */
  logLevel?: string;
  /** The stage's tracing setting, giving every function POWERTOOLS_TRACE_ENABLED as the stack does (default "lambda"). */
  tracing?: TracingMode;
  /** The webhook receiver and events consumer: their queue + DLQ, header secret and environments. */
  webhooks?: { resources: ResourceName[]; visibilityTimeoutSeconds: number; maxReceiveCount: number };
}

export interface WebhookScenarioParts {
  events: QueueRef;
  eventsDlq: QueueRef;
  headerSecretId: string;
  /** The header value Procore must send. */
  headerValue: string;
  env: { receiver: Record<string, string>; events: Record<string, string> };
}

export interface ConnectorScenario {
  sim: ProcoreSimulator;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  tableName: string;
  secretId: string;
  /** The first installed company, and its permitted projects. */
  companyId: number;
  projectIds: number[];
  queues: { jobs: QueueRef; jobsDlq: QueueRef; records: QueueRef; push: QueueRef; pushDlq: QueueRef; results: QueueRef };
  /** Each function's environment variables (as the stack sets them; AWS_* come from the host). */
  env: { planner: Record<string, string>; worker: Record<string, string>; push: Record<string, string> };
  webhooks?: WebhookScenarioParts;
  close(): Promise<void>;
}

const FUNCTIONS_DIR = path.resolve(__dirname, '../../functions');

/** The handlers' source files (bundle them with bundleHandlers before running them in a function host). */
export const CONNECTOR_HANDLER_SOURCES = {
  planner: path.join(FUNCTIONS_DIR, 'pull/planner-handler.ts'),
  worker: path.join(FUNCTIONS_DIR, 'pull/worker-handler.ts'),
  push: path.join(FUNCTIONS_DIR, 'push/handler.ts'),
  receiver: path.join(FUNCTIONS_DIR, 'webhooks/receiver-handler.ts'),
  events: path.join(FUNCTIONS_DIR, 'webhooks/events-handler.ts'),
} as const;

export async function startConnectorScenario(options: ConnectorScenarioOptions = {}): Promise<ConnectorScenario> {
  if (!process.env.AWS_ENDPOINT_URL) throw new Error('startConnectorScenario needs AWS_ENDPOINT_URL (a moto server)');
  const suffix = randomUUID().slice(0, 8);
  // The simulator's clock follows real time, so Procore's rate-limit resets agree with the handlers' clocks.
  const sim = await startSimulator({ now: Date.now(), ...options.simulator });
  try {
    const sqs = new SQSClient({});
    const dynamo = new DynamoDBClient({});
    const tableName = `scenario-state-${suffix}`;
    await createStateTable(dynamo, tableName);

    const queue = async (name: string, attributes: Record<string, string> = {}): Promise<QueueRef> => {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${suffix}`, Attributes: attributes }))).QueueUrl!;
      return { url, arn: await queueArn(sqs, url) };
    };
    const withDlq = (dlq: QueueRef, settings: { visibilityTimeoutSeconds: number; maxReceiveCount: number }) => ({
      VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: redriveMaxReceiveCount(settings.maxReceiveCount) }),
    });
    const jobsDlq = await queue('sync-jobs-dlq');
    const jobsSettings = options.jobs ?? { visibilityTimeoutSeconds: 960, maxReceiveCount: 3 };
    const jobs = await queue('sync-jobs', withDlq(jobsDlq, jobsSettings));
    const records = await queue('records');
    const pushDlq = await queue('push-dlq');
    const pushSettings = options.push ?? { visibilityTimeoutSeconds: 90, maxReceiveCount: 5 };
    const push = await queue('push', withDlq(pushDlq, pushSettings));
    const results = await queue('push-results');

    const secretId = `scenario-dmsa-${suffix}`;
    await new SecretsManagerClient({}).send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }) }),
    );
    const company = sim.store.companies().find((c) => c.installed);
    if (!company) throw new Error('the simulator seeded no installed company');
    const projectIds = sim.store
      .projects(company.id)
      .filter((p) => p.permitted && !p.deleted)
      .map((p) => p.id);

    const tracing = options.tracing ?? DEFAULT_TRACING_MODE;
    const common = {
      CONNECTOR_STAGE: 'local',
      PROCORE_ENVIRONMENT: 'custom',
      PROCORE_LOGIN_URL: sim.loginUrl,
      PROCORE_API_URL: sim.apiUrl,
      DMSA_SECRET_ID: secretId,
      STATE_TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'INFO',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...tracingEnvironment(tracing),
    };
    const webhooks = options.webhooks ? await webhookParts(options.webhooks, { queue, withDlq, common, tracing, records: records.url, suffix }) : undefined;
    const sync = { companies: 'all' as const, discoveryCompanyId: company.id, ...(options.sync ?? { resources: ['rfis'] as ResourceName[] }) };
    return {
      sim,
      sqs,
      dynamo,
      tableName,
      secretId,
      companyId: company.id,
      projectIds,
      queues: { jobs, jobsDlq, records, push, pushDlq, results },
      env: {
        planner: { ...common, SYNC_JOBS_QUEUE_URL: jobs.url, SYNC_CONFIG: JSON.stringify(sync) },
        worker: {
          ...common,
          SYNC_JOBS_QUEUE_URL: jobs.url,
          SYNC_JOBS_DLQ_URL: jobsDlq.url,
          RECORDS_QUEUE_URL: records.url,
          MAX_ATTEMPTS: String(jobsSettings.maxReceiveCount),
        },
        push: {
          ...common,
          PUSH_QUEUE_URL: push.url,
          PUSH_DLQ_URL: pushDlq.url,
          RESULTS_QUEUE_URL: results.url,
          MAX_ATTEMPTS: String(pushSettings.maxReceiveCount),
        },
      },
      ...(webhooks ? { webhooks } : {}),
      close: () => sim.close(),
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}

async function webhookParts(
  settings: NonNullable<ConnectorScenarioOptions['webhooks']>,
  made: {
    queue: (name: string, attributes?: Record<string, string>) => Promise<QueueRef>;
    withDlq: (dlq: QueueRef, s: { visibilityTimeoutSeconds: number; maxReceiveCount: number }) => Record<string, string>;
    common: Record<string, string>;
    tracing: TracingMode;
    records: string;
    suffix: string;
  },
): Promise<WebhookScenarioParts> {
  const eventsDlq = await made.queue('webhook-events-dlq');
  const events = await made.queue('webhook-events', made.withDlq(eventsDlq, settings));
  const headerSecretId = `scenario-webhook-header-${made.suffix}`;
  const headerValue = `hook-${randomUUID()}`;
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: headerSecretId, SecretString: headerValue }));
  return {
    events,
    eventsDlq,
    headerSecretId,
    headerValue,
    env: {
      receiver: {
        CONNECTOR_STAGE: made.common.CONNECTOR_STAGE ?? 'local',
        WEBHOOK_SECRET_ID: headerSecretId,
        WEBHOOK_EVENTS_QUEUE_URL: events.url,
        POWERTOOLS_METRICS_DISABLED: 'true',
        ...tracingEnvironment(made.tracing),
      },
      events: {
        ...made.common,
        WEBHOOK_EVENTS_QUEUE_URL: events.url,
        WEBHOOK_EVENTS_DLQ_URL: eventsDlq.url,
        RECORDS_QUEUE_URL: made.records,
        MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
        WEBHOOK_RESOURCES: settings.resources.join(','),
      },
    },
  };
}
