// The child side of function-host.ts: one Lambda "sandbox". Loads the handler module once (module
// scope runs as in a cold start) and answers invocations from the parent over IPC.
import { pathToFileURL } from 'node:url';
import { lambdaContext } from './lambda-context';
import type { HostReply, HostRequest } from './function-host-protocol';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

function send(reply: HostReply): void {
  process.send?.(reply);
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

async function loadHandler(entry: string, exportName: string): Promise<Handler> {
  const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown> & { default?: Record<string, unknown> };
  // A CommonJS bundle's exports arrive as named exports or under `default`, depending on the bundler's output.
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') throw new Error(`${entry} exports no function named "${exportName}"`);
  return handler as Handler;
}

const entry = process.env.FUNCTION_HOST_ENTRY ?? '';
const exportName = process.env.FUNCTION_HOST_EXPORT ?? 'handler';
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local-function';

// Lambda's sandbox does not outlive its service: when the parent goes, so does this process.
process.on('disconnect', () => process.exit(0));

loadHandler(entry, exportName).then(
  (handler) => {
    process.on('message', (request: HostRequest) => {
      const context = lambdaContext({ timeoutMs: request.timeoutMs, functionName });
      // As Lambda's runtime does per invocation; the AWS SDK copies it onto its requests.
      if (request.traceId) process.env._X_AMZN_TRACE_ID = request.traceId;
      else delete process.env._X_AMZN_TRACE_ID;
      Promise.resolve()
        .then(() => handler(request.event, context))
        .then(
          (result) => send({ type: 'result', id: request.id, result }),
          (error: unknown) => send({ type: 'error', id: request.id, error: describe(error) }),
        );
    });
    send({ type: 'ready' });
  },
  (error: unknown) => {
    send({ type: 'load-error', error: describe(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
