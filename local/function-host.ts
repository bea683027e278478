// Runs one Lambda function's handler where there is no Lambda service (the local run, chaos, bench):
// a child Node process per sandbox, with the function's own environment, its module scope loaded
// once (a cold start), its output captured, one invocation at a time, killed when it overruns its
// timeout. A killed sandbox is replaced by a fresh one (a new cold start) on the next invocation.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { HostReply, HostRequest } from './function-host-protocol';

export interface FunctionHostOptions {
  /** The handler module: a bundled index.js (as deployed), or a TypeScript file loaded through tsx as
   *  CommonJS (so not one that imports an ESM-only package such as @middy/core: bundle those). */
  entry: string;
  /** The exported handler's name (Lambda's `index.handler` → `handler`). */
  handlerExport?: string;
  /** The function's environment variables, as Lambda would set them. */
  env: Record<string, string>;
  functionName: string;
  /** The function's timeout: the context's remaining time counts down from it, and overrunning it kills the sandbox. */
  timeoutMs: number;
  /** The function's memory (default 1024 MB): the JavaScript heap is capped below it, so a handler that
   *  would not fit in its Lambda runs out of memory here too, and garbage collection works as tightly. */
  memoryMb?: number;
  /** Every line the sandbox prints (its logs). */
  onOutput?: (line: string) => void;
  /** More Node flags for the sandbox (the bench's `--cpu-prof`). */
  nodeFlags?: string[];
}

export interface InvokeOptions {
  /** The invocation's X-Ray trace header (the event source player passes the chain's, for recursion detection). */
  traceId?: string | undefined;
}

export interface FunctionHost {
  /** Invokes the handler; rejects with the handler's error, or when the sandbox dies or times out. */
  invoke<T = unknown>(event: unknown, options?: InvokeOptions): Promise<T>;
  /** Everything the sandboxes printed so far. */
  output(): string;
  /** SIGKILLs the current sandbox now (pending invocations reject); the next invoke starts a new one. */
  kill(): void;
  /** Ends the sandbox gracefully. */
  close(): Promise<void>;
  /** How many sandboxes were started (cold starts). */
  readonly coldStarts: number;
}

// Lambda passes its sandbox credentials and region; locally those are the caller's (moto's dummies or real ones).
const INHERITED = /^(AWS_|PATH$|HOME$|TMPDIR$|TZ$|LANG$)/;
const CHILD = path.join(__dirname, 'function-host-child.ts');
const TSX_LOADER = require.resolve('tsx');
/** The heap's share of the function's memory; the rest is code, buffers and the runtime. */
const HEAP_SHARE = 0.8;

interface Sandbox {
  child: ChildProcess;
  ready: Promise<void>;
  pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
  exited: boolean;
}

export async function startFunctionHost(options: FunctionHostOptions): Promise<FunctionHost> {
  const lines: string[] = [];
  let sandbox: Sandbox | undefined;
  let coldStarts = 0;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const record = (line: string) => {
    lines.push(line);
    options.onOutput?.(line);
  };

  function spawnSandbox(): Sandbox {
    coldStarts += 1;
    const memoryMb = options.memoryMb ?? 1024;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key, value]) => INHERITED.test(key) && value !== undefined)) as Record<
      string,
      string
    >;
    const child = fork(CHILD, [], {
      execArgv: ['--import', TSX_LOADER, '--enable-source-maps', `--max-old-space-size=${Math.floor(memoryMb * HEAP_SHARE)}`, ...(options.nodeFlags ?? [])],
      env: {
        ...inherited,
        ...options.env,
        AWS_LAMBDA_FUNCTION_NAME: options.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        // Lambda's directory of the unpacked code (the planner reads its bundled sync-config.json there).
        LAMBDA_TASK_ROOT: path.dirname(path.resolve(options.entry)),
        FUNCTION_HOST_ENTRY: path.resolve(options.entry),
        FUNCTION_HOST_EXPORT: options.handlerExport ?? 'handler',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', record);
    child.on('error', () => undefined); // a send to a dying sandbox; its exit rejects what was pending
    const box: Sandbox = { child, pending: new Map(), exited: false, ready: Promise.resolve() };
    box.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (reply: HostReply) => {
        if (reply.type === 'ready') return resolve();
        if (reply.type === 'load-error') return reject(new Error(`${options.functionName}: the handler did not load: ${reply.error.message}`));
        const waiter = box.pending.get(reply.id);
        box.pending.delete(reply.id);
        if (reply.type === 'result') waiter?.resolve(reply.result);
        else waiter?.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      });
      child.on('exit', (code, signal) => {
        box.exited = true;
        const reason = new Error(`${options.functionName}: the sandbox exited (${signal ?? `code ${code}`})`);
        reject(reason);
        for (const waiter of box.pending.values()) waiter.reject(reason);
        box.pending.clear();
      });
    });
    box.ready.catch(() => undefined); // observed by invoke; never an unhandled rejection
    return box;
  }

  async function invokeNow(event: unknown, invocation: InvokeOptions): Promise<unknown> {
    if (!sandbox || sandbox.exited) sandbox = spawnSandbox();
    const box = sandbox;
    await box.ready;
    const id = nextId++;
    const request: HostRequest = { id, event, timeoutMs: options.timeoutMs, ...(invocation.traceId ? { traceId: invocation.traceId } : {}) };
    return new Promise((resolve, reject) => {
      // As Lambda does, an invocation that overruns the timeout ends its sandbox.
      const timer = setTimeout(() => {
        box.pending.delete(id);
        box.child.kill('SIGKILL');
        reject(new Error(`${options.functionName}: Task timed out after ${(options.timeoutMs / 1000).toFixed(2)} seconds`));
      }, options.timeoutMs + 1000);
      box.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      box.child.send(request);
    });
  }

  sandbox = spawnSandbox();
  await sandbox.ready;

  return {
    invoke<T>(event: unknown, invokeOptions: InvokeOptions = {}): Promise<T> {
      const result = queue.then(() => invokeNow(event, invokeOptions));
      queue = result.catch(() => undefined);
      return result as Promise<T>;
    },
    output: () => lines.join('\n'),
    kill() {
      if (!sandbox) return;
      sandbox.child.kill('SIGKILL');
      sandbox.exited = true; // the next invocation starts a new sandbox; the exit event rejects what was pending
    },
    async close() {
      const box = sandbox;
      if (!box || box.exited) return;
      const exited = new Promise<void>((resolve) => box.child.once('exit', () => resolve()));
      box.child.disconnect();
      const timer = setTimeout(() => box.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    get coldStarts() {
      return coldStarts;
    },
  };
}
