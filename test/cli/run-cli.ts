// Runs the operator CLI in a child process exactly as an operator would (tsx cli/index.ts ...),
// with the test's AWS environment (moto), and returns its exit code and output.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { main } from '../../cli/main';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCliProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(root, 'cli', 'index.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The same CLI in this process (faster; same code path from argv to exit code). */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}
