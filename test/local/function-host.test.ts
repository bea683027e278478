// The local "Lambda service": a handler in its own process, its environment, its module scope kept
// between invocations, errors and kills reported, timeouts enforced, nothing left running.
import path from 'node:path';
import { startFunctionHost, type FunctionHost } from '../../local/function-host';
import { alive } from '../support/process-alive';

const ENTRY = path.join(__dirname, 'fixtures', 'counting-handler.ts');

interface Echo {
  invocations: number;
  pid: number;
  greeting?: string;
  functionName?: string;
  remainingMs: number;
}

let host: FunctionHost;

beforeEach(async () => {
  host = await startFunctionHost({ entry: ENTRY, env: { GREETING: 'hello' }, functionName: 'counter', timeoutMs: 3000 });
});

afterEach(async () => {
  await host.close();
});

it('invokes the handler in its own process with the function environment, keeping module scope', async () => {
  const first = await host.invoke<Echo>({});
  const second = await host.invoke<Echo>({});
  expect(first).toMatchObject({ invocations: 1, greeting: 'hello', functionName: 'counter' });
  expect(second.invocations).toBe(2);
  expect(first.pid).not.toBe(process.pid);
  expect(first.remainingMs).toBeGreaterThan(0);
  expect(first.remainingMs).toBeLessThanOrEqual(3000);
  expect(host.output()).toContain('cold start');
  expect(host.output()).toContain('invocation 2');
  expect(host.coldStarts).toBe(1);
});

it('rejects with the handler error and stays usable', async () => {
  await expect(host.invoke({ action: 'throw' })).rejects.toThrow('bad event');
  await expect(host.invoke<Echo>({})).resolves.toMatchObject({ invocations: 2 });
});

it('a killed sandbox fails its invocation and the next one cold-starts', async () => {
  const running = host.invoke({ waitMs: 2000 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  host.kill();
  await expect(running).rejects.toThrow(/sandbox exited \(SIGKILL\)/);
  const next = await host.invoke<Echo>({});
  expect(next.invocations).toBe(1);
  expect(host.coldStarts).toBe(2);
});

it('ends an invocation that overruns the timeout', async () => {
  const slow = await startFunctionHost({ entry: ENTRY, env: {}, functionName: 'slow', timeoutMs: 300 });
  try {
    await expect(slow.invoke({ waitMs: 5000 })).rejects.toThrow(/Task timed out after 0.30 seconds/);
  } finally {
    await slow.close();
  }
});

it("caps the heap below the function's memory, as a Lambda of that size would fail", async () => {
  const small = await startFunctionHost({ entry: ENTRY, env: {}, functionName: 'small', timeoutMs: 20_000, memoryMb: 128 });
  try {
    await expect(small.invoke({ action: 'allocate' })).rejects.toThrow(/sandbox exited/);
    expect(small.output()).toMatch(/heap out of memory/i);
  } finally {
    await small.close();
  }
  await expect(host.invoke({ action: 'allocate' })).resolves.toMatchObject({ held: 150 });
});

it('close leaves no process behind', async () => {
  const { pid } = await host.invoke<Echo>({});
  await host.close();
  expect(alive(pid)).toBe(false);
});

it('reports a module that does not export the handler', async () => {
  await expect(startFunctionHost({ entry: ENTRY, handlerExport: 'main', env: {}, functionName: 'x', timeoutMs: 1000 })).rejects.toThrow(
    /exports no function named "main"/,
  );
});
