// Plays the sync-jobs queue's event source mapping over the real worker handler (in this process)
// with Lambda's recursive loop detection, each invocation running short of time after `pagesPerInvocation`
// list calls, so that every invocation hands over to a continuation.
import { lambdaContext } from '../../../local/lambda-context';
import { playEventSourceMapping, type PlayOutcome } from '../../../local/event-source-player';
import { inProcessHost } from '../../support/in-process-host';
import type { RecursiveLoop } from '../../../local/lambda-recursion';
import { queueArn } from '../../../cli/aws/sqs';
import type { PullHarness } from './pull-harness';

export async function playWorker(
  h: PullHarness,
  options: { recursiveLoop: RecursiveLoop; pagesPerInvocation: number; isListCall: (path: string) => boolean },
): Promise<PlayOutcome> {
  const listCalls = () => h.sim.countRequests((r) => options.isListCall(r.path));
  const host = inProcessHost({
    functionName: 'pull-worker',
    timeoutMs: 600_000,
    handler: h.worker,
    context: () => {
      const start = listCalls();
      const context = lambdaContext({ timeoutMs: 600_000, functionName: 'pull-worker' });
      context.getRemainingTimeInMillis = () => (listCalls() - start >= options.pagesPerInvocation ? 1_000 : 600_000);
      return context;
    },
  });
  return playEventSourceMapping({
    sqs: h.sqs,
    queue: { url: h.queues.jobs, arn: await queueArn(h.sqs, h.queues.jobs) },
    batchSize: 1,
    hosts: [host],
    maxDurationMs: 120_000,
    recursion: { functionName: 'pull-worker', recursiveLoop: options.recursiveLoop },
  });
}
