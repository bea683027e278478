import type { ProcoreEnvironmentConfig } from './environment-config';

/** Procore's published hosts. The login host issues tokens; the API host serves REST. */
export const PROCORE_HOSTS = {
  production: { loginUrl: 'https://login.procore.com', apiUrl: 'https://api.procore.com' },
  sandbox: { loginUrl: 'https://login-sandbox.procore.com', apiUrl: 'https://sandbox.procore.com' },
  'monthly-sandbox': { loginUrl: 'https://login-sandbox-monthly.procore.com', apiUrl: 'https://api-monthly.procore.com' },
} as const;

export type NamedProcoreEnvironment = keyof typeof PROCORE_HOSTS;

export interface ProcoreEnvironment {
  name: NamedProcoreEnvironment | 'custom';
  loginUrl: string;
  apiUrl: string;
}

export function resolveProcoreEnvironment(config: ProcoreEnvironmentConfig): ProcoreEnvironment {
  return config.name === 'custom' ? config : { name: config.name, ...PROCORE_HOSTS[config.name] };
}
