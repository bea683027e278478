// Sample push messages for the run: valid writes addressed through records the pull just delivered
// (what a downstream system would do), and bad ones that must end in the push DLQ with a reason.
import { isProcoreRecord, type RecordEnvelope } from '../../functions/commons/contracts/record-envelope';

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

export function buildPushSamples(at: SampleAddresses): PushSample[] {
  const { companyId, runId } = at;
  const live = (resource: string) => at.records.filter(isProcoreRecord).filter((r) => r.resource === resource && r.lifecycle === 'active' && r.companyId === companyId);
  const rfi = live('rfis')[0];
  const submittal = live('submittals')[0];
  const observation = live('observations')[0];
  const project = live('projects')[0];
  const samples: PushSample[] = [
    {
      label: 'create vendor',
      expect: 'applied',
      body: message({
        id: `local-${runId}-vendor-create`,
        companyId,
        resource: 'vendors',
        operation: 'create',
        originId: `LOCAL-V-${runId}`,
        data: { name: `Local Run Vendor ${runId}`, business_phone: '555-0100' },
      }),
    },
    {
      label: 'upsert vendor (sync)',
      expect: 'applied',
      body: message({
        id: `local-${runId}-vendor-upsert`,
        companyId,
        resource: 'vendors',
        operation: 'upsert',
        originId: `LOCAL-V2-${runId}`,
        data: { name: `Local Run Supplier ${runId}` },
      }),
    },
  ];
  if (rfi?.projectId) {
    samples.push(
      {
        label: 'create RFI',
        expect: 'applied',
        body: message({
          id: `local-${runId}-rfi-create`,
          companyId,
          projectId: rfi.projectId,
          resource: 'rfis',
          operation: 'create',
          originId: `LOCAL-RFI-${runId}`,
          data: { subject: `Local run question ${runId}`, rfi_manager_id: rfi.data?.rfi_manager_id, question: { body: 'Sent by npm start.' } },
        }),
      },
      {
        label: 'update RFI',
        expect: 'applied',
        body: message({
          id: `local-${runId}-rfi-update`,
          companyId,
          projectId: rfi.projectId,
          resource: 'rfis',
          operation: 'update',
          procoreId: rfi.id,
          data: { subject: `Updated by the local run ${runId}` },
        }),
      },
      {
        label: 'bad: RFI without subject',
        expect: ['ProcoreValidation'],
        body: message({
          id: `local-${runId}-rfi-no-subject`,
          companyId,
          projectId: rfi.projectId,
          resource: 'rfis',
          operation: 'create',
          data: { rfi_manager_id: rfi.data?.rfi_manager_id, question: { body: 'No subject.' } },
        }),
      },
    );
  }
  if (observation?.projectId) {
    samples.push({
      label: 'update observation',
      expect: 'applied',
      body: message({
        id: `local-${runId}-observation-update`,
        companyId,
        projectId: observation.projectId,
        resource: 'observations',
        operation: 'update',
        procoreId: observation.id,
        data: { description: 'Checked again by the local run.' },
      }),
    });
  }
  if (submittal?.projectId) {
    samples.push({
      label: 'delete submittal',
      expect: 'applied',
      body: message({
        id: `local-${runId}-submittal-delete`,
        companyId,
        projectId: submittal.projectId,
        resource: 'submittals',
        operation: 'delete',
        procoreId: submittal.id,
      }),
    });
  }
  if (project) {
    samples.push({
      label: 'bad: delete a project',
      expect: ['OperationNotSupported'],
      body: message({ id: `local-${runId}-project-delete`, companyId, resource: 'projects', operation: 'delete', procoreId: project.id }),
    });
  }
  samples.push(
    { label: 'bad: not JSON', expect: ['InvalidJson'], body: `{"version": 1, "id": "local-${runId}-truncated", "resource": "vend` },
    {
      label: 'bad: unknown resource',
      expect: ['UnknownResource', 'SchemaInvalid'],
      body: message({ id: `local-${runId}-widget`, companyId, resource: 'widgets', operation: 'create', data: { name: 'x' } }),
    },
    {
      label: 'bad: missing id',
      expect: ['SchemaInvalid'],
      body: message({ companyId, resource: 'vendors', operation: 'create', data: { name: 'No id' } }),
    },
    {
      label: 'bad: wrong company',
      expect: ['ProcoreForbidden', 'ProcoreNotFound'],
      body: message({
        id: `local-${runId}-foreign-vendor`,
        companyId: at.foreignCompanyId,
        resource: 'vendors',
        operation: 'create',
        data: { name: 'Not our company' },
      }),
    },
    {
      label: 'bad: update unknown originId',
      expect: ['OriginIdNotFound'],
      body: message({
        id: `local-${runId}-unknown-origin`,
        companyId,
        resource: 'vendors',
        operation: 'update',
        originId: `NO-SUCH-${runId}`,
        data: { name: 'Nobody' },
      }),
    },
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
