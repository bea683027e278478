// `npm run connector -- <command>`: see cli/main.ts for the commands.
import { processIo } from './command';
import { main } from './main';

main(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`connector: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
