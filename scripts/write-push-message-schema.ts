// Regenerates docs/push-message.schema.json from the zod contract:
//   npx tsx scripts/write-push-message-schema.ts
// test/push/push-message-contract.test.ts fails while the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pushMessageJsonSchema } from '../functions/commons/contracts/push-message';

const target = path.resolve(__dirname, '..', 'docs', 'push-message.schema.json');
writeFileSync(target, `${JSON.stringify(pushMessageJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
