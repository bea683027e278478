// `npm start` flags and environment: which Procore and which AWS the run uses, and its knobs.
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const HELP = `npm start [-- options]: the connector end to end, on this machine.

By default (no AWS account, no internet): starts moto (local AWS) and the Procore simulator with
seeded data (some records recycled, deactivated or deleted, one project closed), deploys the sandbox stage into moto with the CDK CLI, stores the DMSA secret, fires the
schedule with a scheduled-event payload, plays the SQS event source mappings (jobs and push queues)
over the real bundled handlers, sends sample push messages (bad ones too) into an 8 s simulated
Procore outage (5xx and dropped connections; 429s for plain creates) so some pushes come back and are retried, and prints a summary:
records delivered per resource, removals delivered against the simulator's (0 missed), pushes applied, dead-letter contents with reasons, Procore requests
used against the rate budget. Exits 0 on success; stops everything it started.

Options:
  --procore simulator|sandbox|monthly-sandbox
                     Procore to talk to (default simulator). sandbox/monthly-sandbox use Procore's
                     sandbox hosts with PROCORE_CLIENT_ID, PROCORE_CLIENT_SECRET (a DMSA) and
                     PROCORE_COMPANY_ID from the environment; AWS stays local (moto). Sample pushes
                     then create/update/delete records in that sandbox company.
  --aws              Use real AWS instead of moto: the ambient credentials and region, and the stage
                     already deployed there (cdk deploy). Fires the planner with Lambda Invoke, sends
                     the sample pushes, lets the deployed event source mappings consume, then reports
                     queue depths and dead-letter contents (records and results are only peeked at,
                     left for their consumers). Procore is whatever the deployed stage points at.
  --stage NAME       With --aws: the deployed stage (default sandbox).
  --records N        Simulator: records per resource and scope (default 8).
  --retry-delay S    Seconds before a failed message comes back (default 3; the queues' own
                     visibility timeouts are minutes long, too long for a local run).
  --max-seconds S    Give up a phase that has not drained after S seconds (default 180).
  --verbose          Print every function log line.
  --json FILE        Also write the summary as JSON to FILE.
  --help             This text.

Not tested here (no credentials on the machine that built it): --procore sandbox|monthly-sandbox
and --aws. They use the same code paths as the local run where they can.`;

const PROCORE_TARGETS = ['simulator', 'sandbox', 'monthly-sandbox'] as const;

const Positive = (flag: string) =>
  z.coerce
    .number({ error: `${flag} must be a number` })
    .int(`${flag} must be a whole number`)
    .positive(`${flag} must be above 0`);

const OptionsSchema = z.object({
  help: z.boolean(),
  procore: z.enum(PROCORE_TARGETS, { error: `--procore must be one of ${PROCORE_TARGETS.join(', ')}` }),
  aws: z.boolean(),
  stage: z.enum(['sandbox', 'production'], { error: '--stage must be sandbox or production' }),
  records: Positive('--records'),
  retryDelay: Positive('--retry-delay'),
  maxSeconds: Positive('--max-seconds'),
  verbose: z.boolean(),
  /** --json FILE is for scripts and the test: the summary as JSON, next to the printed one. */
  json: z.string().min(1, '--json needs a file name').optional(),
});

export type StartOptions = z.infer<typeof OptionsSchema>;

export class StartUsageError extends Error {
  override readonly name = 'StartUsageError';
}

/** The flags with their defaults (the zod schema checks the values; HELP describes them). */
const FLAGS = {
  help: { type: 'boolean', short: 'h', default: false },
  procore: { type: 'string', default: 'simulator' },
  aws: { type: 'boolean', default: false },
  stage: { type: 'string', default: 'sandbox' },
  records: { type: 'string', default: '8' },
  'retry-delay': { type: 'string', default: '3' },
  'max-seconds': { type: 'string', default: '180' },
  verbose: { type: 'boolean', default: false },
  json: { type: 'string' },
} as const;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, strict: true, options: FLAGS }).values;
  } catch (error) {
    throw new StartUsageError((error as Error).message);
  }
}

export function parseStartOptions(argv: string[]): StartOptions {
  const { 'retry-delay': retryDelay, 'max-seconds': maxSeconds, ...rest } = parseFlags(argv);
  const parsed = OptionsSchema.safeParse({ ...rest, retryDelay, maxSeconds });
  if (!parsed.success) throw new StartUsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

const RealProcoreEnvSchema = z.object({
  PROCORE_CLIENT_ID: z.string({ error: 'PROCORE_CLIENT_ID is not set (the DMSA client id)' }).min(1),
  PROCORE_CLIENT_SECRET: z.string({ error: 'PROCORE_CLIENT_SECRET is not set (the DMSA client secret)' }).min(1),
  PROCORE_COMPANY_ID: z.coerce.number({ error: 'PROCORE_COMPANY_ID is not set (a company where the DMSA is installed)' }).int().positive(),
});

export interface RealProcoreCredentials {
  clientId: string;
  clientSecret: string;
  companyId: number;
}

/** The DMSA and company for --procore sandbox|monthly-sandbox, from the environment. */
export function realProcoreCredentials(env: NodeJS.ProcessEnv): RealProcoreCredentials {
  const parsed = RealProcoreEnvSchema.safeParse(env);
  if (!parsed.success) throw new StartUsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return { clientId: parsed.data.PROCORE_CLIENT_ID, clientSecret: parsed.data.PROCORE_CLIENT_SECRET, companyId: parsed.data.PROCORE_COMPANY_ID };
}
