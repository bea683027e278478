// What the in-process harnesses (pull, push, the CLI's pull worker bench) do the same way to point a
// handler at the simulator: its DMSA credentials as a secret in moto, and the environment every
// handler reads (functions/commons/config/runtime-env.ts's common part).
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProcoreSimulator } from '../../simulator';

/** Stores the simulator's client id and secret as the DMSA secret `secretId`. */
export async function storeSimulatorSecret(sim: ProcoreSimulator, secretId: string): Promise<void> {
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret }) }),
  );
}

/** The first company that installed the app (the seeded data always has one). */
export function installedCompany(sim: ProcoreSimulator) {
  const company = sim.store.companies().find((c) => c.installed);
  if (!company) throw new Error('the simulator seeded no installed company');
  return company;
}

/** The variables every handler reads, for the simulator, the secret and the state table. */
export function simulatorEnvironment(sim: ProcoreSimulator, secretId: string, tableName: string): Record<string, string> {
  return {
    CONNECTOR_STAGE: 'test',
    PROCORE_ENVIRONMENT: 'custom',
    PROCORE_LOGIN_URL: sim.loginUrl,
    PROCORE_API_URL: sim.apiUrl,
    DMSA_SECRET_ID: secretId,
    STATE_TABLE_NAME: tableName,
  };
}
