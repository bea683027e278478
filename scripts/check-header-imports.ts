// Part of `npm run lint`: fails when an import sits inside a file's header comment, e.g.
//   // The push path's test bench: the simulator, moto queues (push queue with its DLQ and
//   import { createStateTable } from '...';
//   // redrive policy, results queue), ...
// Biome has no rule for comment placement. Usage: npx tsx scripts/check-header-imports.ts [files...]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const isComment = (line: string) => line.startsWith('//');
const isImport = (line: string) => /^import\s.*['"];?$/.test(line);

/** 1-based line numbers of imports that a header comment continues after. */
export function importsInsideHeader(source: string): number[] {
  const lines = source.split('\n');
  const found: number[] = [];
  if (!isComment(lines[0] ?? '')) return found;
  for (let i = 1; i < lines.length - 1; i += 1) {
    const line = lines[i]!;
    if (!isComment(line) && !isImport(line)) break;
    if (isImport(line) && isComment(lines[i + 1]!)) found.push(i + 1);
  }
  return found;
}

function main(argv: string[]): number {
  const files =
    argv.length > 0
      ? argv
      : execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js'], { encoding: 'utf8' })
          .split('\n')
          .filter((file) => file !== '' && existsSync(file));
  let problems = 0;
  for (const file of files) {
    for (const line of importsInsideHeader(readFileSync(file, 'utf8'))) {
      problems += 1;
      process.stderr.write(`${file}:${line}: import inside the header comment; move it below the comment\n`);
    }
  }
  return problems === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
