// `npm start` end to end, as a user runs it: a child process that starts its own moto and Procore
// simulator, deploys the sandbox stage, pulls, pushes samples and prints the summary. The test reads
// the printed summary and its JSON twin, then checks that nothing the run started is still running.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StartSummary } from '../../local/start/summary';
import { alive } from '../support/process-alive';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** What each bad sample's dead-letter reason must mention. */
const REASON_NAMES_PROBLEM: Record<string, RegExp> = {
  'bad: not JSON': /not JSON/i,
  'bad: unknown resource': /widgets/,
  'bad: missing id': /\bid\b/,
  'bad: wrong company': /403|not connected/i,
  'bad: update unknown originId': /NO-SUCH-/,
  'bad: delete a project': /delete projects/i,
  'bad: RFI without subject': /subject/,
};

/** The sandbox stage of cdk.json, in its order: the built-in resources, the financial ones included. */
const SANDBOX_RESOURCES = [
  ...['projects', 'rfis', 'submittals', 'observations', 'vendors', 'company_users', 'work_order_contracts'],
  ...['purchase_order_contracts', 'commitment_change_orders', 'potential_change_orders', 'change_order_requests', 'change_events'],
  ...['prime_contracts', 'direct_costs', 'requisitions', 'cost_codes', 'sub_jobs', 'sub_job_cost_codes', 'standard_cost_codes'],
  ...['timecard_entries', 'budget_view_detail_rows'],
];

/** Resources whose removals one run cannot see (none declared, or a content-hash list's next listing). */
const REMOVALS_UNSEEN = [
  ...['commitment_change_orders', 'change_order_requests', 'prime_contracts', 'direct_costs', 'requisitions'],
  ...['cost_codes', 'sub_jobs', 'sub_job_cost_codes', 'standard_cost_codes', 'timecard_entries', 'budget_view_detail_rows'],
];

let exitCode: number | null;
let stdout = '';
let stderr = '';
let summary: StartSummary;
let scratch: string;

/** Command line and environment of every process on the machine this user may read (Linux /proc). */
function processes(): { pid: string; text: string }[] {
  const found: { pid: string; text: string }[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      found.push({ pid, text: `${readFileSync(`/proc/${pid}/cmdline`, 'utf8')}\0${readFileSync(`/proc/${pid}/environ`, 'utf8')}` });
    } catch {
      // ended while we looked, or not ours to read
    }
  }
  return found;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'start-test-'));
  const jsonFile = path.join(scratch, 'summary.json');
  const child = spawn(TSX, [path.join(PROJECT_ROOT, 'local', 'start', 'main.ts'), '--json', jsonFile, '--records', '4'], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (exitCode !== 0) throw new Error(`npm start exited ${exitCode}\n${stdout.slice(-6000)}\n${stderr.slice(-6000)}`);
  summary = JSON.parse(readFileSync(jsonFile, 'utf8')) as StartSummary;
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('exits 0 with a summary a person can read', () => {
  expect(exitCode).toBe(0);
  expect(stdout).toMatch(/Records delivered to the records queue: [1-9]\d*/);
  expect(stdout).toMatch(/Pushes: \d+ sent, [1-9]\d* applied/);
  expect(stdout).toMatch(/Dead-letter queues:\n {2}PushDeadLetterQueue: [1-9]\d* message\(s\)/);
  expect(stdout).toMatch(/Procore requests: [1-9]\d* API requests of the 3600\/hour budget/);
  expect(stdout).toMatch(/Result: OK/);
  // Progress: one line per phase with elapsed seconds.
  for (const phase of [
    'starting moto',
    'Procore simulator on',
    'deployed procore-connector-sandbox',
    'stored the DMSA secret',
    'schedule fired',
    'records delivered',
    'pushes sent',
    'pushes applied',
    'dead-letter queues read',
  ]) {
    expect(stdout).toMatch(new RegExp(`^\\[ *\\d+\\.\\d s\\] ${phase}`, 'm'));
  }
});

it('delivers records of every configured resource and applies the valid pushes', () => {
  expect(summary.resources).toEqual(SANDBOX_RESOURCES);
  for (const resource of summary.resources) expect(summary.records[resource]?.live).toBeGreaterThan(0);
  // The printed table: one row per resource, its records delivered (the content-hashed lists on their first listing too).
  for (const resource of SANDBOX_RESOURCES) expect(stdout).toMatch(new RegExp(`^ {2}${resource} +[1-9]\\d* +\\d+ +(\\d+ +\\d+|- +-)$`, 'm'));
  expect(summary.invalidRecords).toBe(0);
  const valid = summary.pushes.samples.filter((s) => s.expected === 'applied');
  expect(valid.length).toBeGreaterThan(0);
  for (const sample of valid) expect(sample).toMatchObject({ outcome: 'applied' });
  expect(summary.pushes.applied).toBe(valid.length);
  expect(summary.eventSources.every((source) => source.drained)).toBe(true);
  expect(summary.problems).toEqual([]);
});

it('delivers every removal the simulator seeded (recycled, deactivated, closed project): 0 missed', () => {
  expect(stdout).toMatch(/Removals delivered \(recycled, deleted, deactivated, closed\) against the simulator's: 0 missed/);
  expect(summary.removals?.map((r) => r.resource)).toEqual(SANDBOX_RESOURCES.filter((r) => !REMOVALS_UNSEEN.includes(r)));
  for (const row of summary.removals ?? []) {
    expect(row.inSimulator).toBeGreaterThan(0);
    expect(row).toEqual({ resource: row.resource, delivered: row.inSimulator, inSimulator: row.inSimulator, missed: 0 });
  }
});

it('meets transient Procore faults in the push phase: each valid push is applied exactly once, none lost to them', () => {
  // The client repeats in place what Procore's answer proves safe (idempotent calls, 429s on plain
  // creates), so the outage may be absorbed without a message coming back; what does come back is counted.
  expect(stdout).toMatch(/Pushes retried: \d+ came back to the queue after a transient failure \([1-9]\d* Procore fault\(s\) injected\)/);
  const retries = summary.pushes.retries;
  expect(retries?.procoreFaults).toBeGreaterThan(0);
  expect(summary.pushes.samples.filter((s) => (s.returned ?? 0) > 0)).toHaveLength(retries?.retried ?? -1);
  // Exactly once: one applied result per valid sample (none twice) and one record per create/upsert in Procore.
  const valid = summary.pushes.samples.filter((s) => s.expected === 'applied');
  expect(summary.pushes.applied).toBe(valid.length);
  expect(retries?.duplicates).toBe(0);
});

it('pushes to a financial resource: a direct cost upserted through its /sync, applied once', () => {
  expect(summary.pushes.samples.find((s) => s.label === 'upsert direct cost (sync)')).toMatchObject({ outcome: 'applied', expected: 'applied' });
  expect(summary.pushes.appliedByOperation.upsert).toBeGreaterThanOrEqual(2);
  expect(summary.pushes.retries?.duplicates).toBe(0);
});

it('audits every Procore write of the run: no origin_id that its push message did not carry', () => {
  expect(stdout).toMatch(/^origin_id not from a message: 0 \([1-9]\d* Procore write request\(s\) checked\)$/m);
  expect(summary.pushes.originIds?.writesChecked).toBeGreaterThan(0);
  expect(summary.pushes.originIds?.foreign).toEqual([]);
});

it('dead-letters every bad sample with a reason naming its problem, and nothing else', () => {
  const pushDlq = summary.deadLetterQueues.find((q) => q.name === 'PushDeadLetterQueue');
  const bad = summary.pushes.samples.filter((s) => s.expected !== 'applied');
  expect(bad.map((s) => s.label).sort()).toEqual(Object.keys(REASON_NAMES_PROBLEM).sort());
  for (const sample of bad) {
    const letter = pushDlq?.messages.find((m) => m.sample === sample.label);
    expect({ sample: sample.label, errorClass: letter?.errorClass }).toEqual({ sample: sample.label, errorClass: expect.stringMatching(/^[A-Z]\w+$/) });
    expect(sample.expected).toContain(letter?.errorClass);
    expect(letter?.reason).toMatch(REASON_NAMES_PROBLEM[sample.label] ?? /^$/);
  }
  expect(pushDlq?.messages).toHaveLength(bad.length);
  for (const queue of summary.deadLetterQueues.filter((q) => q.name !== 'PushDeadLetterQueue')) expect(queue).toEqual({ name: queue.name, messages: [] });
});

it('shows the webhook path: apply registers the hook, a change in the simulator reaches the records queue, forged deliveries are refused', () => {
  expect(stdout).toMatch(/^Webhooks: webhooks apply made [1-9]\d* change\(s\); 1 of 1 Procore delivery\(ies\) accepted$/m);
  expect(stdout).toMatch(/^Webhook path: rfis \d+ changed in the simulator -> on the records queue in \d+\.\d s \(change to delivery\)$/m);
  expect(stdout).toMatch(/^Unauthenticated deliveries refused: 3 of 3$/m);
  expect(summary.webhooks).toMatchObject({ resource: 'rfis', arrived: true, applyErrors: [], unauthenticatedSent: 3, unauthenticatedRefused: 3 });
  expect(summary.webhooks?.latencyMs).toBeLessThan(10_000);
  // With webhooks on for rfis, the stage schedule leaves them to the reconciliation rule; both fired.
  expect(stdout.match(/^\[ *\d+\.\d s\] schedule fired \(rate\(1 (hour|day)\)\): planner enqueued [1-9]/gm)).toHaveLength(2);
  expect(summary.eventSources.find((e) => e.name === 'webhook events')).toMatchObject({ deleted: 1, received: 1, drained: true });
});

it('leaves no process behind: moto, the function hosts and the simulator are gone', () => {
  const motoPid = Number(/moto listening on \S+ \(pid (\d+)\)/.exec(stdout)?.[1]);
  const workDir = /work directory (\S+)/.exec(stdout)?.[1];
  expect(motoPid).toBeGreaterThan(0);
  expect(workDir).toBeTruthy();
  expect(alive(motoPid)).toBe(false);
  // Function hosts load the bundles from the run's cloud assembly, under its work directory (FUNCTION_HOST_ENTRY).
  expect(
    processes()
      .filter((p) => p.text.includes(workDir ?? '<none>'))
      .map((p) => p.pid),
  ).toEqual([]);
  expect(readdirSync(path.dirname(workDir ?? '/')).includes(path.basename(workDir ?? ''))).toBe(false);
});
