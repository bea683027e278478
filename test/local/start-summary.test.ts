// npm start's verdict on records and its records table, without running it (test/local/start.test.ts
// runs it): a resource of the stage with no record delivered fails the run, and the table has one
// row per resource with its removals checked where the run seeded them.
import { countRecords, resourcesWithoutRecords } from '../../local/start/run-report';
import { formatSummary, type StartSummary } from '../../local/start/summary';
import type { RecordEnvelope } from '../../functions/commons/contracts/record-envelope';

const envelope = (resource: string, id: number, lifecycle: string) => ({ resource, id, lifecycle }) as unknown as RecordEnvelope;

const RESOURCES = ['vendors', 'cost_codes', 'budget_view_detail_rows'];

function summaryOf(records: StartSummary['records']): StartSummary {
  return {
    target: 'test',
    resources: RESOURCES,
    records,
    removals: [{ resource: 'vendors', delivered: 1, inSimulator: 1, missed: 0 }],
    invalidRecords: 0,
    pushes: { sent: 0, applied: 0, appliedByOperation: {}, deadLettered: 0, samples: [] },
    deadLetterQueues: [],
    procore: { unavailable: 'test' },
    eventSources: [],
    wallSeconds: 1,
    problems: [],
  };
}

it('names every resource of the stage that delivered no live record, a removed-only one included', () => {
  const records = countRecords(RESOURCES, [envelope('vendors', 1, 'active'), envelope('vendors', 2, 'inactive'), envelope('cost_codes', 3, 'deleted')]);
  expect(resourcesWithoutRecords(RESOURCES, records)).toEqual([
    'no cost_codes records were delivered, though the simulator holds some',
    'no budget_view_detail_rows records were delivered, though the simulator holds some',
  ]);
  expect(resourcesWithoutRecords(['vendors'], records)).toEqual([]);
});

it('prints one row per resource: records, removals, and the simulator check where the run made one', () => {
  const text = formatSummary(summaryOf({ vendors: { live: 7, removed: 1 }, cost_codes: { live: 32, removed: 0 } }));
  expect(text).toContain('Records delivered to the records queue: 40');
  expect(text).toMatch(/^ {2}resource +records +removed +removed in simulator +missed$/m);
  expect(text).toMatch(/^ {2}vendors +7 +1 +1 +0$/m);
  expect(text).toMatch(/^ {2}cost_codes +32 +0 +- +-$/m);
  expect(text).toMatch(/^ {2}budget_view_detail_rows +0 +0 +- +-$/m);
  expect(text).toMatch(/against the simulator's: 0 missed \(checked for the 1 resource\(s\)/);
});
