// Sample push messages for the run: valid writes addressed through records the pull just delivered
// (what a downstream system would do; one of them to a financial resource, a direct cost), and bad
// ones that must end in the push DLQ with a reason.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { isProcoreRecord, type RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import { sendMessageBatches } from '../../functions/commons/queues/sqs-batch-sender';

export interface PushSample {
  label: string;
  body: string;
  /** 'applied', or the error classes a dead-lettered sample may carry. */
  expect: 'applied' | string[];
}

export interface SampleAddresses {
  companyId: number;
  /** A company the DMSA cannot use (not installed), for the wrong-company sample. */
  foreignCompanyId: number;
  records: RecordEnvelope[];
  /** Makes ids and origin ids unique per run (Procore keeps origin ids unique per company). */
  runId: string;
}

const message = (fields: Record<string, unknown>) => JSON.stringify({ version: 1, ...fields });

/** A message's address from a record the pull delivered: its project and its resource. */
const addressedTo = (record: { projectId: number | null; resource: string }) => ({ projectId: record.projectId, resource: record.resource });

export function buildPushSamples(at: SampleAddresses): PushSample[] {
  const { companyId, runId } = at;
  const live = (resource: string) =>
    at.records.filter(isProcoreRecord).filter((r) => r.resource === resource && r.lifecycle === 'active' && r.companyId === companyId);
  /** A sample whose message has the id local-<run>-<key> and is addressed to our company unless `fields` say otherwise. */
  const sample = (label: string, expect: PushSample['expect'], key: string, fields: Record<string, unknown>): PushSample => ({
    label,
    expect,
    body: message({ id: `local-${runId}-${key}`, companyId, ...fields }),
  });
  const rfi = live('rfis')[0];
  const submittal = live('submittals')[0];
  const observation = live('observations')[0];
  const project = live('projects')[0];
  const directCost = live('direct_costs')[0];
  const samples: PushSample[] = [
    sample('create vendor', 'applied', 'vendor-create', {
      resource: 'vendors',
      operation: 'create',
      originId: `LOCAL-V-${runId}`,
      data: { name: `Local Run Vendor ${runId}`, business_phone: '555-0100' },
    }),
    sample('upsert vendor (sync)', 'applied', 'vendor-upsert', {
      resource: 'vendors',
      operation: 'upsert',
      originId: `LOCAL-V2-${runId}`,
      data: { name: `Local Run Supplier ${runId}` },
    }),
  ];
  if (rfi?.projectId) {
    const inProject = addressedTo(rfi);
    const manager = rfi.data?.rfi_manager_id;
    samples.push(
      sample('create RFI', 'applied', 'rfi-create', {
        ...inProject,
        operation: 'create',
        originId: `LOCAL-RFI-${runId}`,
        data: { subject: `Local run question ${runId}`, rfi_manager_id: manager, question: { body: 'Sent by npm start.' } },
      }),
      sample('update RFI', 'applied', 'rfi-update', {
        ...inProject,
        operation: 'update',
        procoreId: rfi.id,
        data: { subject: `Updated by the local run ${runId}` },
      }),
      sample('bad: RFI without subject', ['ProcoreValidation'], 'rfi-no-subject', {
        ...inProject,
        operation: 'create',
        data: { rfi_manager_id: manager, question: { body: 'No subject.' } },
      }),
    );
  }
  if (observation?.projectId) {
    samples.push(
      sample('update observation', 'applied', 'observation-update', {
        ...addressedTo(observation),
        operation: 'update',
        procoreId: observation.id,
        data: { description: 'Checked again by the local run.' },
      }),
    );
  }
  if (submittal?.projectId) {
    const fields = { ...addressedTo(submittal), operation: 'delete', procoreId: submittal.id };
    samples.push(sample('delete submittal', 'applied', 'submittal-delete', fields));
  }
  if (directCost?.projectId) {
    // A financial write: Procore's v1.0 direct costs /sync, keyed by origin_id (idempotent, so safe to repeat).
    samples.push(
      sample('upsert direct cost (sync)', 'applied', 'direct-cost-upsert', {
        ...addressedTo(directCost),
        operation: 'upsert',
        originId: `LOCAL-DC-${runId}`,
        data: { direct_cost_type: 'Invoice', direct_cost_date: new Date().toISOString().slice(0, 10), invoice_number: `LOCAL-${runId}` },
      }),
    );
  }
  if (project) {
    samples.push(
      sample('bad: delete a project', ['OperationNotSupported'], 'project-delete', { resource: 'projects', operation: 'delete', procoreId: project.id }),
    );
  }
  samples.push(
    { label: 'bad: not JSON', expect: ['InvalidJson'], body: `{"version": 1, "id": "local-${runId}-truncated", "resource": "vend` },
    sample('bad: unknown resource', ['UnknownResource', 'SchemaInvalid'], 'widget', { resource: 'widgets', operation: 'create', data: { name: 'x' } }),
    { label: 'bad: missing id', expect: ['SchemaInvalid'], body: message({ companyId, resource: 'vendors', operation: 'create', data: { name: 'No id' } }) },
    sample('bad: wrong company', ['ProcoreForbidden', 'ProcoreNotFound'], 'foreign-vendor', {
      companyId: at.foreignCompanyId,
      resource: 'vendors',
      operation: 'create',
      data: { name: 'Not our company' },
    }),
    sample('bad: update unknown originId', ['OriginIdNotFound'], 'unknown-origin', {
      resource: 'vendors',
      operation: 'update',
      originId: `NO-SUCH-${runId}`,
      data: { name: 'Nobody' },
    }),
  );
  return samples;
}

/** The push message id inside a sample's body, where it has a readable one. */
export function sampleId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the samples to the push queue one batch call at a time, so they arrive in the order they were built. */
export async function sendPushSamples(sqs: SQSClient, pushQueueUrl: string, samples: PushSample[]): Promise<void> {
  await sendMessageBatches(
    sqs,
    pushQueueUrl,
    samples.map((s) => ({ body: s.body })),
    { concurrency: 1 },
  );
}
