// Procore refuses the DMSA client credentials (the secret was rotated in Procore, not in Secrets
// Manager). A sync job is retried like any passing trouble, and on the worker's last attempt (the
// stage's maxReceiveCount) the worker dead-letters it itself, with ProcoreAuthError and
// Procore's reason, records the failure beside the scope's cursor and releases the lease.
import { readFailureAttributes } from '../../functions/commons/queues/dead-letter';
import { listSyncState } from '../../functions/pull/state/status';
import { receiveMessages } from '../../local/sqs-event-source';
import { JOBS_MAX_ATTEMPTS, usePullHarness, VENDORS_ONLY } from './support/pull-harness';

const h = usePullHarness(VENDORS_ONLY);

it('retries a job while Procore refuses the credentials, then dead-letters it on its last receive with that reason', async () => {
  await h.plan();
  h.sim.rotateClientSecret();
  h.sim.invalidateAllTokens();

  for (let receive = 1; receive < JOBS_MAX_ATTEMPTS; receive++) {
    await expect(h.invokeWorker({ visibilityTimeout: 0 })).resolves.toEqual({ jobs: 1, failures: 1 });
  }
  expect(await receiveMessages(h.sqs, h.queues.jobsDlq, 10)).toEqual([]);
  await expect(h.invokeWorker({ visibilityTimeout: 0 })).resolves.toEqual({ jobs: 1, failures: 0 });

  const dead = await receiveMessages(h.sqs, h.queues.jobsDlq, 10, { waitTimeSeconds: 1 });
  expect(dead).toHaveLength(1);
  const reason = readFailureAttributes(dead[0]!.MessageAttributes);
  expect(reason).toMatchObject({ errorClass: 'ProcoreAuthError', httpStatus: 401, attempts: JOBS_MAX_ATTEMPTS });
  expect(reason?.message).toMatch(/rejected the DMSA client credentials/);
  expect(reason?.message).not.toContain(h.sim.clientSecret);

  const state = await listSyncState(h.table, h.companyId);
  expect(state.filter((item) => item.kind === 'failure')).toEqual([expect.objectContaining({ resource: 'vendors', errorClass: 'ProcoreAuthError' })]);
  expect(state.filter((item) => item.kind === 'lease')).toEqual([]);
  expect(await receiveMessages(h.sqs, h.queues.jobs, 10)).toEqual([]);
});
