import { secretsManagerCredentials } from '../../functions/commons/credentials/dmsa-secret';
import { getResource, listResources, type ResourceDefinition } from '../../functions/commons/resources/registry';
import { checkCredentials, type CredentialsReport, type ProbeOutcome } from '../credentials/credential-check';
import { defineCommand, idOption, UsageError, type Command } from '../command';
import { json, keyValues, table } from '../format';
import { resolveEnvironment } from '../procore-session';
import { readStageConfig } from '../stage';

const HELP = `connector check-credentials: test the DMSA credentials against Procore

Gets a token from the login host with the client id/secret from Secrets Manager, lists the
companies where the app is installed and their permitted projects, and asks each resource's list
endpoint for one record to see whether its tool answers (OK / 403 not permitted / tool disabled).
Run it after installing the app in the development sandbox. Never prints the secret or the token.

Usage:
  connector check-credentials --stage S [--company ID] [--project ID] [--json]
  connector check-credentials --secret-id ID (--environment NAME | --login-url URL --api-url URL)
                              --company ID [--resources a,b] [--project ID] [--json]

Options:
  --stage S              sandbox | production: secret, Procore environment, resources and companies
                         from cdk.json (context.stages.S); other flags override
  --secret-id ID         Secrets Manager secret holding {"client_id": "...", "client_secret": "..."}
  --environment NAME     production | sandbox | monthly-sandbox
  --login-url URL        custom login host (e.g. the local simulator), with --api-url
  --api-url URL          custom API host
  --company ID           check this company (repeatable; default: every company where the app
                         is installed, or the stage's list). Procore wants a Procore-Company-Id
                         header even to list companies, so the first one is also asked for that
                         list; without --company the stage's discoveryCompanyId or first company
                         is asked
  --project ID           probe project tools in this project (default: first permitted project)
  --resources LIST       comma-separated resource names (default: the stage's, else all)
  --json                 machine-readable output
  -h, --help             this help

Exit status 0 when the token works and every probed tool answers, 1 otherwise.`;

export const checkCredentialsCommand: Command = defineCommand({
  name: 'check-credentials',
  help: HELP,
  options: {
    stage: { type: 'string' },
    'secret-id': { type: 'string' },
    environment: { type: 'string' },
    'login-url': { type: 'string' },
    'api-url': { type: 'string' },
    company: { type: 'string', multiple: true },
    project: { type: 'string' },
    resources: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const stage = values.stage ? readStageConfig(values.stage).config : undefined;
    const secretId = values['secret-id'] ?? stage?.dmsaSecret;
    if (!secretId) throw new UsageError('check-credentials: pass --secret-id ID or --stage S (whose config names the secret)');
    const environment = resolveEnvironment('check-credentials', values, stage?.procore);
    const resources = values.resources
      ? values.resources.split(',').map((name) => resourceOrUsage(name.trim()))
      : (stage?.sync.resources.map((name) => getResource(name)) ?? listResources());
    const companies = values.company?.map((c) => idOption('check-credentials', c, '--company') as number);
    const configured = stage && stage.sync.companies !== 'all' ? stage.sync.companies : undefined;
    const projectId = idOption('check-credentials', values.project, '--project');
    const discoveryCompanyId = companies?.[0] ?? stage?.sync.discoveryCompanyId ?? configured?.[0];
    const report = await checkCredentials({
      environment,
      credentials: secretsManagerCredentials(secretId),
      resources,
      ...(discoveryCompanyId !== undefined ? { discoveryCompanyId } : {}),
      ...((companies ?? configured) ? { companies: companies ?? configured } : {}),
      ...(projectId !== undefined ? { projectId } : {}),
    });
    io.out(values.json ? json(report) : renderCredentialsReport(report));
    return report.ok ? 0 : 1;
  },
});

function resourceOrUsage(name: string): ResourceDefinition {
  try {
    return getResource(name);
  } catch (error) {
    throw new UsageError(`check-credentials: --resources: ${(error as Error).message}`);
  }
}

const OUTCOME_LABEL: Record<ProbeOutcome, string> = {
  ok: 'OK',
  forbidden: '403 not permitted',
  not_found: '404 not found',
  failed: 'FAILED',
  skipped: 'skipped',
};

export function renderCredentialsReport(report: CredentialsReport): string {
  const env = report.environment;
  const lines = [
    keyValues([
      ['Procore environment', `${env.name} (login ${env.loginUrl}, API ${env.apiUrl})`],
      ['Credentials', report.credentialsSource],
      ['Token', report.token.ok ? 'OK (client credentials accepted by the login host)' : `FAILED: ${report.token.error}`],
    ]),
  ];
  if (!report.token.ok) {
    lines.push('', 'Check the secret holds the client id and secret of this environment (sandbox and production credentials differ).');
    return lines.join('\n');
  }
  if (report.discoveryError) lines.push('', `Companies: ${report.discoveryError}`);
  for (const company of report.companies) {
    lines.push('', `Company ${company.id}${company.name ? ` "${company.name}"` : ''}`);
    if (company.error) {
      lines.push(`  ${company.error}`);
      continue;
    }
    if (company.projectsError) lines.push(`  Permitted projects: FAILED: ${company.projectsError}`);
    else if (company.projects.length === 0) lines.push('  Permitted projects: none (a company admin chooses them in App Management)');
    else {
      lines.push(`  Permitted projects (${company.projects.length}):`);
      lines.push(
        indent(
          table(
            ['PROJECT ID', 'NAME'],
            company.projects.map((p) => [p.id, p.name]),
          ),
        ),
      );
    }
    lines.push('  Tools:');
    lines.push(
      indent(
        table(
          ['RESOURCE', 'SCOPE', 'TOOL', 'NEEDS', 'RESULT', 'DETAIL'],
          company.tools.map((t) => [
            t.resource,
            t.projectId !== undefined ? `project ${t.projectId}` : t.scope,
            t.tool,
            t.level,
            OUTCOME_LABEL[t.outcome],
            t.detail,
          ]),
        ),
      ),
    );
  }
  lines.push('', report.ok ? 'All checks passed.' : 'Some checks failed (see above).');
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
