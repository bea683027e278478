import * as z from '../validation/zod';

/** Procore's published hosts. The login host issues tokens; the API host serves REST. */
export const PROCORE_HOSTS = {
  production: { loginUrl: 'https://login.procore.com', apiUrl: 'https://api.procore.com' },
  sandbox: { loginUrl: 'https://login-sandbox.procore.com', apiUrl: 'https://sandbox.procore.com' },
  'monthly-sandbox': { loginUrl: 'https://login-sandbox-monthly.procore.com', apiUrl: 'https://api-monthly.procore.com' },
} as const;

export type NamedProcoreEnvironment = keyof typeof PROCORE_HOSTS;

const baseUrl = z.pipe(
  z.url(),
  z.transform((url: string) => url.replace(/\/+$/, '')),
);

/** A stage's Procore environment: a named one, or explicit base URLs (the local simulator). */
export const ProcoreEnvironmentSchema = z.union([
  z.strictObject({ name: z.enum(['production', 'sandbox', 'monthly-sandbox']) }),
  z.strictObject({ name: z.literal('custom'), loginUrl: baseUrl, apiUrl: baseUrl }),
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
