// The bench's day of changes: which records change and when (simulator time), the same plan for
// the polling day and the webhook day so both sides see the same work. Picks walk the records with
// a stride prime to their count, so a day's changes hit distinct records.
import type { Message } from '@aws-sdk/client-sqs';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';
import type { ResourceName } from '../../functions/commons/resources/names';
import type { ConnectorScenario } from '../../local/scenario/connector-scenario';

const HOUR_MS = 3_600_000;
const STRIDE = 7919;

export interface BenchRecord {
  resource: ResourceName;
  id: number;
  /** Absent for a company resource's record. */
  projectId?: number;
}

export interface PlannedChange {
  record: BenchRecord;
  /** Offset from the start of the day (ms of simulator time). */
  atMs: number;
}

/** Every record of the scenario's company in these resources (project ones per permitted project). */
export function benchRecords(scenario: ConnectorScenario, projectResources: ResourceName[], companyResources: ResourceName[]): BenchRecord[] {
  const { sim, companyId } = scenario;
  const listed = (resource: ResourceName, projectId?: number) =>
    sim.store
      .list(resource, projectId === undefined ? { companyId } : { companyId, projectId })
      .map((r) => ({ resource, id: Number(r.id), ...(projectId === undefined ? {} : { projectId }) }));
  return [
    ...scenario.projectIds.flatMap((projectId) => projectResources.flatMap((resource) => listed(resource, projectId))),
    ...companyResources.flatMap((resource) => listed(resource)),
  ];
}

/** `perHour` changes in each of `hours` hours, evenly spaced within the hour. */
export function planChanges(records: BenchRecord[], hours: number, perHour: number): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (let hour = 0; hour < hours; hour++) {
    for (let k = 0; k < perHour; k++) {
      const n = hour * perHour + k;
      changes.push({ record: records[(n * STRIDE) % records.length]!, atMs: hour * HOUR_MS + ((k + 0.5) * HOUR_MS) / perHour });
    }
  }
  return changes;
}

/** Makes one planned change at its simulator time (the clock never moves back); the record's key as its envelope will carry it. */
export function makeChange(scenario: ConnectorScenario, dayStart: number, change: PlannedChange, label: string): string {
  const { sim } = scenario;
  sim.clock.set(Math.max(sim.clock.now(), dayStart + change.atMs));
  const updated = sim.store.update(change.record.resource, change.record.id, { title: `bench ${label}` });
  return recordKey(change.record.resource, updated.id, String(updated.updated_at));
}

function recordKey(resource: string, id: unknown, updatedAt: string): string {
  return `${resource}:${String(id)}:${updatedAt}`;
}

/** The key of each envelope on the records queue, with its SentTimestamp (real epoch ms). */
export function envelopeKeys(messages: Message[]): { key: string; sentAt: number }[] {
  return messages.map((m) => {
    const envelope = JSON.parse(m.Body ?? '{}') as RecordEnvelope;
    return { key: recordKey(envelope.resource, envelope.id, String(envelope.updatedAt)), sentAt: Number(m.Attributes?.SentTimestamp) };
  });
}

/** A sorted list's median, p95 and max (NaN when empty). */
export function spread(values: number[]): { median: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN));
  return { median: at(0.5), p95: at(0.95), max: at(1) };
}

/** Per-hour counts as the bench reports them: the mean over the hours and the busiest hour. */
export function perHour(counts: number[]): { mean: number; max: number } {
  const total = counts.reduce((sum, n) => sum + n, 0);
  return { mean: Math.round((total / Math.max(1, counts.length)) * 10) / 10, max: Math.max(0, ...counts) };
}
