// Shared setup for the Procore client tests: a simulator over real HTTP, the DMSA secret in moto,
// and a client whose clock is the simulator's. `sleep` advances that clock instead of waiting,
// so backoff and pacing take no real time while the simulator sees time pass.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import { ProcoreClient, type ProcoreClientDeps } from '../../functions/commons/procore/client';
import { resolveProcoreEnvironment } from '../../functions/commons/procore/environments';
import type { LoggerLike } from '../../functions/commons/observability/logger';
import { RatePacer } from '../../functions/commons/procore/rate-pacer';
import { TokenProvider } from '../../functions/commons/procore/token-provider';
import { startSimulator, type ProcoreSimulator, type SimulatorOptions } from '../../simulator';

export interface CapturedLogs {
  logger: LoggerLike;
  lines: string[];
}

/** A logger that keeps every line as the JSON a log sink would receive. */
export function captureLogger(): CapturedLogs {
  const lines: string[] = [];
  const write = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...extra }));
  };
  return { lines, logger: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') } };
}

const secrets = new SecretsManagerClient({});

export async function createDmsaSecret(value: unknown): Promise<string> {
  const secretId = `procore-test/dmsa-${randomUUID()}`;
  await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }));
  return secretId;
}

export async function putDmsaSecret(secretId: string, value: unknown): Promise<void> {
  await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }));
}

export interface ProcoreFixture {
  sim: ProcoreSimulator;
  secretId: string;
  tokens: TokenProvider;
  client: ProcoreClient;
  pacer: RatePacer;
  logs: CapturedLogs;
  companyId: number;
  /** The simulator clock, as the client sees it. */
  clock: () => number;
  close(): Promise<void>;
}

export async function startProcoreFixture(
  simOptions: SimulatorOptions = {},
  clientOptions: Partial<Pick<ProcoreClientDeps, 'timeoutMs' | 'maxAttempts'>> = {},
): Promise<ProcoreFixture> {
  const sim = await startSimulator({ data: { companies: 1, projectsPerCompany: 1, recordsPerResource: 3 }, ...simOptions });
  const secretId = await createDmsaSecret({ client_id: sim.clientId, client_secret: sim.clientSecret });
  const environment = resolveProcoreEnvironment({ name: 'custom', loginUrl: sim.loginUrl, apiUrl: sim.apiUrl });
  const logs = captureLogger();
  const clock = () => sim.clock.now();
  const sleep = async (ms: number) => sim.clock.advance(ms);
  const tokens = new TokenProvider({ environment, credentials: secretsManagerCredentials(secretId), clock, sleep, logger: logs.logger });
  const pacer = new RatePacer({ clock, sleep });
  const client = new ProcoreClient({ environment, tokens, pacer, clock, sleep, logger: logs.logger, ...clientOptions });
  const company = sim.store.companies().find((c) => c.installed);
  if (!company) throw new Error('simulator seeded no installed company');
  return { sim, secretId, tokens, client, pacer, logs, companyId: company.id, clock, close: () => sim.close() };
}
