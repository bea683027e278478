// A FunctionHost that runs the handler in this process (tests), for the event source player: no
// sandbox, no bundling, and the test's module state (e.g. a simulator's clock) is the handler's.
// Like Lambda's runtime it sets AWS_LAMBDA_FUNCTION_NAME and, per invocation, _X_AMZN_TRACE_ID, so
// the AWS SDK puts the trace header on the handler's requests (recursion detection). Those are
// process-wide: play one lane per process when the trace header matters.
import type { Context } from 'aws-lambda';
import type { FunctionHost, InvokeOptions } from '../../local/function-host';
import { lambdaContext } from '../../local/lambda-context';

export function inProcessHost(options: {
  handler: (event: never, context: Context) => Promise<unknown>;
  functionName: string;
  timeoutMs: number;
  /** The context of each invocation (default: a fresh one with timeoutMs to go). */
  context?: () => Context;
}): FunctionHost {
  let invocations = 0;
  return {
    async invoke<T>(event: unknown, invocation: InvokeOptions = {}): Promise<T> {
      invocations += 1;
      const saved = { name: process.env.AWS_LAMBDA_FUNCTION_NAME, trace: process.env._X_AMZN_TRACE_ID };
      process.env.AWS_LAMBDA_FUNCTION_NAME = options.functionName;
      if (invocation.traceId) process.env._X_AMZN_TRACE_ID = invocation.traceId;
      else delete process.env._X_AMZN_TRACE_ID;
      try {
        const context = options.context?.() ?? lambdaContext({ timeoutMs: options.timeoutMs, functionName: options.functionName });
        return (await options.handler(event as never, context)) as T;
      } finally {
        restore('AWS_LAMBDA_FUNCTION_NAME', saved.name);
        restore('_X_AMZN_TRACE_ID', saved.trace);
      }
    },
    output: () => '',
    kill: () => undefined,
    close: async () => undefined,
    get coldStarts() {
      return invocations > 0 ? 1 : 0;
    },
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
