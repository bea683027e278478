// Planner scenario: the real pull planner (bundled, in its own process) planning one company of
// many projects, each with every project-scoped resource: 1,000 scopes by default. Its Procore,
// DynamoDB and SQS requests are counted and reported per scope, beside its wall time and timeout.
import path from 'node:path';
import { GetQueueAttributesCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { startFunctionHost } from '../local/function-host';
import { PLANNER_MEMORY_MB, PLANNER_TIMEOUT_SECONDS } from '../lib/constructs/pull-pipeline';
import { countedEnv, freshStart, restRequests, sqsRequests, type BenchContext } from './bench-context';

const MEASURED_HANDLER = path.join(__dirname, 'child', 'measured-handler.ts');
/** The project-scoped resources of the registry, each a scope in every project. */
const PROJECT_RESOURCES = ['rfis', 'submittals', 'observations', 'work_order_contracts'] as const;

export interface PlannerMeasurement {
  projects: number;
  resources: number;
  /** Sync jobs on the queue after the run: one per scope planned. */
  jobsQueued: number;
  procoreRequests: number;
  rateLimited: number;
  dynamoRequestTotal: number;
  sqsRequestTotal: number;
  wallMs: number;
  timeoutMs: number;
}

/** Plans `projects` projects (added to the company as needed) × the project-scoped resources. */
export async function measurePlanner(context: BenchContext, projects: number): Promise<PlannerMeasurement> {
  const { scenario } = context;
  const { sim, companyId } = scenario;
  for (let have = sim.store.projects(companyId).length; have < projects; have++) {
    sim.store.insert('projects', { companyId }, { name: `Bench planner project ${have + 1}`, active: true });
  }
  const sync = { companies: 'all', discoveryCompanyId: companyId, resources: PROJECT_RESOURCES };
  const host = await startFunctionHost({
    entry: MEASURED_HANDLER,
    env: countedEnv(context, { ...scenario.env.planner, SYNC_CONFIG: JSON.stringify(sync) }, context.bundles.planner),
    functionName: 'pull-planner',
    timeoutMs: PLANNER_TIMEOUT_SECONDS * 1000,
    memoryMb: PLANNER_MEMORY_MB,
  });
  try {
    await scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: scenario.queues.jobs.url }));
    freshStart(context);
    const started = performance.now();
    await host.invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString() });
    const wallMs = performance.now() - started;
    const { Attributes } = await scenario.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: scenario.queues.jobs.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const { sqsRequestTotal } = sqsRequests(context);
    const { procoreRequests, rateLimited } = restRequests(context);
    await scenario.sqs.send(new PurgeQueueCommand({ QueueUrl: scenario.queues.jobs.url }));
    return {
      projects: sim.store.projects(companyId).length,
      resources: PROJECT_RESOURCES.length,
      jobsQueued: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
      procoreRequests,
      rateLimited,
      dynamoRequestTotal: context.counter.total('DynamoDB_20120810'),
      sqsRequestTotal,
      wallMs,
      timeoutMs: PLANNER_TIMEOUT_SECONDS * 1000,
    };
  } finally {
    await host.close();
  }
}
