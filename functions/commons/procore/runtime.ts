// How handlers get a Procore client: once per container, at module scope. Secrets Manager
// credentials → token provider → client, all sharing the container's rate pacer.
import { secretsManagerCredentials } from '../credentials/dmsa-secret';
import { ProcoreClient, type ProcoreClientHooks } from './client';
import type { ProcoreEnvironment } from './environments';
import type { LoggerLike } from '../observability/logger';
import { sharedRatePacer } from './rate-pacer';
import { TokenProvider } from './token-provider';

export function createProcoreClient(options: {
  environment: ProcoreEnvironment;
  secretId: string;
  logger?: LoggerLike;
  hooks?: ProcoreClientHooks;
}): ProcoreClient {
  const logger = options.logger ? { logger: options.logger } : {};
  const tokens = new TokenProvider({ environment: options.environment, credentials: secretsManagerCredentials(options.secretId), ...logger });
  const hooks = options.hooks ? { hooks: options.hooks } : {};
  return new ProcoreClient({ environment: options.environment, tokens, pacer: sharedRatePacer, ...logger, ...hooks });
}
