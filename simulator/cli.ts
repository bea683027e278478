// `npm run sim`: a seeded Procore simulator on a loopback port until Ctrl-C.
// Options: --port N, --seed N, --companies N, --projects N, --records N, --latency MIN-MAX (ms).
import { parseArgs } from 'node:util';
import { startSimulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      companies: { type: 'string' },
      projects: { type: 'string' },
      records: { type: 'string' },
      latency: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  let latencyMs: { min: number; max: number } | undefined;
  if (values.latency !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(values.latency);
    if (!m) throw new Error(`--latency must look like 20-80 (milliseconds), got ${JSON.stringify(values.latency)}`);
    latencyMs = { min: Number(m[1]), max: Number(m[2]) };
  }
  const sim = await startSimulator({
    port: int('port', values.port),
    seed: int('seed', values.seed),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    latencyMs,
    now: Date.now(),
    data: {
      companies: int('companies', values.companies),
      projectsPerCompany: int('projects', values.projects),
      recordsPerResource: int('records', values.records),
    },
  });
  const installed = sim.store.companies().filter((c) => c.installed);
  console.log(
    [
      'Procore simulator running (Ctrl-C stops it)',
      `  login URL:     ${sim.loginUrl}   (token endpoint ${sim.loginUrl}/oauth/token)`,
      `  API URL:       ${sim.apiUrl}`,
      `  client id:     ${sim.clientId}`,
      `  client secret: ${sim.clientSecret}`,
      `  companies with the app installed: ${installed.map((c) => `${c.id} (${c.name})`).join(', ')}`,
      `  try: TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=${sim.clientId} -d client_secret=${sim.clientSecret} ${sim.loginUrl}/oauth/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
      `       curl -s -H "Authorization: Bearer $TOKEN" -H "Procore-Company-Id: ${installed[0]?.id}" ${sim.apiUrl}/rest/v1.0/companies`,
    ].join('\n'),
  );
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
