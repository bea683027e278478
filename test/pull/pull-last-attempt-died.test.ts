// The worker died (crash, timeout, out of memory) on a job's last attempt. The sync-jobs queue's
// redrive allows one receive more than the worker's attempts, so the job comes back once more
// instead of being moved to the DLQ by SQS without a reason; on that spare receive the worker
// dead-letters it at once as PreviousAttemptDied, asks Procore nothing, records the failure beside
// the scope's cursor and releases the lease.
import { readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { listSyncState } from '../../functions/pull/state/status';
import { receiveMessages } from '../../local/sqs-event-source';
import { JOBS_MAX_ATTEMPTS, usePullHarness, VENDORS_ONLY } from './support/pull-harness';

const h = usePullHarness(VENDORS_ONLY);

it('dead-letters a job received after its last attempt died, with that reason and no Procore request', async () => {
  await h.plan();
  // Every attempt the worker makes dies before it answers: each receive ends without a delete.
  for (let receive = 1; receive <= JOBS_MAX_ATTEMPTS; receive++) {
    expect(await receiveMessages(h.sqs, h.queues.jobs, 1, { visibilityTimeout: 0 })).toHaveLength(1);
  }
  h.sim.clearRequests();

  await expect(h.invokeWorker({ visibilityTimeout: 0 })).resolves.toEqual({ jobs: 1, failures: 0 });
  expect(h.sim.requests()).toEqual([]);

  const dead = await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { waitTimeSeconds: 1 });
  expect(dead).toHaveLength(1);
  const reason = readFailureAttributes(dead[0]!.MessageAttributes);
  expect(reason).toMatchObject({ errorClass: 'PreviousAttemptDied', attempts: JOBS_MAX_ATTEMPTS + 1 });
  expect(reason?.message).toMatch(/^the previous attempt ended without an answer: crash, timeout or out of memory/);

  const state = await listSyncState(h.table, h.companyId);
  expect(state.filter((item) => item.kind === 'failure')).toEqual([expect.objectContaining({ resource: 'vendors', errorClass: 'PreviousAttemptDied' })]);
  expect(state.filter((item) => item.kind === 'lease')).toEqual([]);
  expect(await receiveMessages(h.sqs, h.queues.jobs, 10)).toEqual([]);
});
