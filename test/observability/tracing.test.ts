// Tracer is loaded only where it traces (functions/commons/observability/powertools.ts): bundled for a
// stage with tracing "subsegments" and run with the Lambda environment of a traced function, the
// handler sends its X-Ray subsegment to the daemon address; elsewhere the X-Ray SDK is not even
// evaluated, and a bundle for any other stage does not carry it at all. And the rule that decides it
// (tracing-enabled.ts) agrees with Powertools' Tracer itself.
import { execFile, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { bundleHandler, type Bundle } from '../../local/scenario/bundle-handlers';
import { tracingEnabledIn } from '../../functions/commons/observability/tracing-enabled';

const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
const LAMBDA_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'traced-fixture',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  LAMBDA_TASK_ROOT: '/var/task',
  _HANDLER: 'index.handler',
  _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`,
  AWS_REGION: 'us-east-1',
};

// Imports the bundle, invokes the handler once, reports, and stays up until the test ends it (the
// X-Ray SDK's UDP socket does not hold the process open, so exiting could drop the datagram).
const INVOKE = [
  'const m = await import(process.env.FIXTURE_URL);',
  'const result = await m.handler({}, { functionName: "traced-fixture", awsRequestId: "r-1", getRemainingTimeInMillis: () => 1000 });',
  'process.stdout.write(JSON.stringify({ result, tracing: m.tracingEnabled(), tracerLoaded: m.tracerLoaded(), xraySdkLoaded: process.namespaces !== undefined }) + "\\n");',
  'setInterval(() => {}, 1000);',
].join('\n');

let dir: string;
let bundle: Bundle;
let defaultBundle: Bundle;
let daemon: Socket;
let port: number;
const datagrams: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'traced-fixture-'));
  bundle = await bundleHandler('traced', path.join(__dirname, 'fixtures/traced-handler.ts'), dir, 'subsegments');
  defaultBundle = await bundleHandler('default', path.join(__dirname, 'fixtures/traced-handler.ts'), dir);
  daemon = createSocket('udp4');
  daemon.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  port = daemon.address().port;
}, 60_000);

afterAll(async () => {
  daemon?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bundled fixture in a fresh Node with `env`; resolves with its report, leaving it running. */
function invokeBundled(
  env: Record<string, string>,
  which: Bundle = bundle,
): Promise<{ child: ChildProcess; report: { result: unknown; tracing: boolean; tracerLoaded: boolean; xraySdkLoaded: boolean } }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', INVOKE], {
      env: { PATH: process.env.PATH ?? '', FIXTURE_URL: pathToFileURL(which.file).href, ...env },
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve({ child, report: JSON.parse(out) });
    });
    child.on('exit', (code) => reject(new Error(`the fixture exited (${code}) before reporting: ${out}`)));
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('tracing', () => {
  it('a bundled handler in a traced Lambda environment sends its handler subsegment, with its annotations, to the X-Ray daemon', async () => {
    const { child, report } = await invokeBundled({ ...LAMBDA_ENV, AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` });
    try {
      expect(report).toEqual({ result: { ok: true }, tracing: true, tracerLoaded: true, xraySdkLoaded: true });
      // Each datagram is a JSON header line, then the (sub)segment document.
      const handlerSegment = await until('the handler subsegment', () =>
        datagrams.map((d) => JSON.parse(d.split('\n')[1]!) as Record<string, unknown>).find((doc) => doc.name === '## index.handler'),
      );
      expect(handlerSegment).toMatchObject({ trace_id: TRACE_ID, annotations: { ColdStart: true, probe: 'traced' } });
    } finally {
      child.kill();
    }
  }, 30_000);

  it('outside Lambda the handler runs untraced and the X-Ray SDK is never evaluated', async () => {
    const { child, report } = await invokeBundled({ AWS_REGION: 'us-east-1' });
    child.kill();
    expect(report).toEqual({ result: { ok: true }, tracing: false, tracerLoaded: false, xraySdkLoaded: false });
  }, 30_000);

  it('in Lambda with POWERTOOLS_TRACE_ENABLED=false (a stage whose tracing is not "subsegments") neither Tracer nor the X-Ray SDK is evaluated', async () => {
    const { child, report } = await invokeBundled({ ...LAMBDA_ENV, POWERTOOLS_TRACE_ENABLED: 'false', AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` });
    child.kill();
    expect(report).toEqual({ result: { ok: true }, tracing: false, tracerLoaded: false, xraySdkLoaded: false });
  }, 30_000);

  it('bundled for a stage whose tracing is not "subsegments", the handler carries neither Tracer nor the X-Ray SDK and runs untraced in Lambda', async () => {
    const code = await readFile(defaultBundle.file, 'utf8');
    expect(code).not.toContain('cls-hooked');
    expect(code).not.toContain('AWS_XRAY_DAEMON_ADDRESS');
    expect((await readFile(bundle.file, 'utf8')).includes('AWS_XRAY_DAEMON_ADDRESS')).toBe(true);
    expect(defaultBundle.bytes).toBeLessThan(bundle.bytes - 100_000);
    const { child, report } = await invokeBundled({ ...LAMBDA_ENV, AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` }, defaultBundle);
    child.kill();
    expect(report).toEqual({ result: { ok: true }, tracing: false, tracerLoaded: false, xraySdkLoaded: false });
  }, 30_000);

  it.each([
    [{}, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: ' FALSE ' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
    [{ AWS_EXECUTION_ENV: '  ' }, false],
  ])('%j: tracing %s, as Powertools Tracer decides', (env, expected) => {
    const saved = { ...process.env };
    try {
      for (const key of ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL']) delete process.env[key];
      Object.assign(process.env, env);
      expect(new Tracer().isTracingEnabled()).toBe(expected);
      expect(tracingEnabledIn(process.env)).toBe(expected);
    } finally {
      process.env = saved;
    }
  });
});
