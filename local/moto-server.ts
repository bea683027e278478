// Starts and stops moto (the local AWS emulator) for tests, the local run and benchmarks.
// moto runs in a Python child process bound to 127.0.0.1 on a free port. On Linux the child asks
// the kernel to kill it when its parent dies (PR_SET_PDEATHSIG), so even a killed test run leaves
// no moto behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const projectRoot = path.resolve(__dirname, '..');
const venvDir = path.join(projectRoot, '.venv');
const venvPython = path.join(venvDir, 'bin', 'python');

const LAUNCHER = [
  'import sys',
  'if sys.platform.startswith("linux"):',
  '    import ctypes, signal',
  '    ctypes.CDLL(None).prctl(1, signal.SIGTERM)',
  'sys.path.insert(0, sys.argv[2])',
  'import moto_patches',
  'from moto.server import main',
  'main(["-H", "127.0.0.1", "-p", sys.argv[1]])',
].join('\n');

function canImportMoto(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import moto.server, flask'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** The Python interpreter that has moto[server]; installs it into ./.venv where it is missing. */
function findMotoPython(log: (line: string) => void = () => {}): string {
  const candidates = [process.env.MOTO_PYTHON, venvPython, 'python3', 'python'].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    if ((python === venvPython ? existsSync(python) : true) && canImportMoto(python)) return python;
  }
  log('moto[server] not found; installing it into .venv (python3 -m venv + pip install "moto[server]")');
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venvDir]],
    [venvPython, ['-m', 'pip', 'install', '--quiet', 'moto[server]']],
  ];
  for (const [cmd, args] of steps) {
    const result = spawnSync(cmd, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      throw new Error(
        `Could not install moto: "${cmd} ${args.join(' ')}" failed. Install Python 3.9+ and run ` +
          `pip install "moto[server]" (or set MOTO_PYTHON to a Python that has it), then retry.`,
      );
    }
  }
  if (!canImportMoto(venvPython)) throw new Error('moto[server] was installed into .venv but cannot be imported');
  return venvPython;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMotoServer(options: { log?: (line: string) => void } = {}): Promise<MotoServer> {
  const python = findMotoPython(options.log);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(python, ['-c', LAUNCHER, String(port), __dirname], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(endpoint, child, 20000);
      child.stderr?.removeAllListeners('data');
      child.stderr?.resume();
      return { endpoint, port, pid: child.pid ?? -1, stop: () => stopChild(child) };
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${stderr}`);
      await stopChild(child);
    }
  }
  throw lastError;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The environment SDK v3 clients need to reach moto. */
export function motoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
  };
}
