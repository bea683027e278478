import * as z from 'zod';

/** Procore's published hosts. The login host issues tokens; the API host serves REST. */
export const PROCORE_HOSTS = {
  production: { loginUrl: 'https://login.procore.com', apiUrl: 'https://api.procore.com' },
  sandbox: { loginUrl: 'https://login-sandbox.procore.com', apiUrl: 'https://sandbox.procore.com' },
  'monthly-sandbox': { loginUrl: 'https://login-sandbox-monthly.procore.com', apiUrl: 'https://api-monthly.procore.com' },
} as const;

export type NamedProcoreEnvironment = keyof typeof PROCORE_HOSTS;

const baseUrl = z
  .string()
  .url()
  .transform((url) => url.replace(/\/+$/, ''));

/** A stage's Procore environment: a named one, or explicit base URLs (the local simulator). */
export const ProcoreEnvironmentSchema = z.union([
  z.object({ name: z.enum(['production', 'sandbox', 'monthly-sandbox']) }).strict(),
  z.object({ name: z.literal('custom'), loginUrl: baseUrl, apiUrl: baseUrl }).strict(),
]);
export type ProcoreEnvironmentConfig = z.infer<typeof ProcoreEnvironmentSchema>;

export interface ProcoreEnvironment {
  name: NamedProcoreEnvironment | 'custom';
  loginUrl: string;
  apiUrl: string;
}

export function resolveProcoreEnvironment(config: ProcoreEnvironmentConfig): ProcoreEnvironment {
  return config.name === 'custom' ? config : { name: config.name, ...PROCORE_HOSTS[config.name] };
}
