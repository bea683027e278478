// What `webhooks plan|apply|status` print: one block per company, the changes or deliveries in it.
// Never the header secret: an Authorization change is named, not shown.
import { oneLine, table } from '../format';
import { describeAction, type DesiredHook } from './hook-plan';
import { CONNECTOR_NAMESPACE } from './procore-hooks';
import type { CompanyPlan, CompanyStatus } from './webhooks-run';

export interface PlanContext {
  stage: string;
  mode: 'plan' | 'apply';
  desired: DesiredHook | undefined;
  /** Configured (resource, event) pairs Procore does not offer, skipped. */
  notOffered: string[];
}

export function renderPlans(plans: CompanyPlan[], context: PlanContext): string {
  const { desired, mode } = context;
  const lines = [
    desired
      ? `Webhooks of stage ${context.stage} (namespace ${CONNECTOR_NAMESPACE}) → ${desired.destinationUrl}\nTriggers: ${desired.triggers.map((t) => `${t.resourceName}:${t.eventType}`).join(', ')}`
      : `Webhooks of stage ${context.stage} are disabled: the connector's hooks (namespace ${CONNECTOR_NAMESPACE}) are removed.`,
  ];
  if (context.notOffered.length > 0) lines.push(`Not offered by Procore, skipped: ${context.notOffered.join('; ')}`);
  for (const plan of plans) {
    const listed = mode === 'apply' ? plan.done : plan.actions;
    const head = listed.length === 0 ? 'no changes' : `${listed.length} change(s)${mode === 'apply' ? ' made' : ''}`;
    lines.push('', `Company ${plan.companyId}: ${head}`);
    for (const action of listed) lines.push(`  ${describeAction(action)}`);
    if (plan.error) lines.push(`  FAILED: ${plan.error}`);
  }
  const total = plans.reduce((n, p) => n + (mode === 'apply' ? p.done : p.actions).length, 0);
  const companies = plans.filter((p) => (mode === 'apply' ? p.done : p.actions).length > 0).length;
  lines.push('');
  if (mode === 'plan') {
    lines.push(
      total === 0
        ? 'No changes: Procore matches the stage config.'
        : `Plan: ${total} change(s) in ${companies} compan${companies === 1 ? 'y' : 'ies'}. Run "connector webhooks apply --stage ${context.stage}" to make them.`,
    );
  } else {
    lines.push(
      total === 0
        ? 'Nothing to change: Procore already matched the stage config.'
        : `Applied ${total} change(s) in ${companies} compan${companies === 1 ? 'y' : 'ies'}.`,
    );
  }
  if (plans.some((p) => p.error)) lines.push('Some companies failed (see above).');
  return lines.join('\n');
}

export function renderStatus(report: CompanyStatus[]): string {
  const lines: string[] = [];
  for (const company of report) {
    lines.push(`Company ${company.companyId}`);
    if (company.error) lines.push(`  FAILED: ${company.error}`);
    else if (company.hooks.length === 0) lines.push(`  no connector hook (namespace ${CONNECTOR_NAMESPACE}): run "connector webhooks apply"`);
    for (const hook of company.hooks) {
      lines.push(`  Hook ${hook.hookId} → ${hook.destinationUrl}: ${hook.triggers} trigger(s); failing ${hook.failing}, discarded ${hook.discarded}`);
      if (hook.recent.length === 0) {
        lines.push('    no deliveries');
        continue;
      }
      const rows = hook.recent.map((d) => [
        d.started_at ?? '',
        d.outcome ?? '',
        d.response_status ?? '',
        d.event?.resource_name ?? '',
        d.event?.event_type ?? '',
        d.event?.resource_id ?? '',
        d.event?.project_id ?? '',
        oneLine(d.response_error ?? '', 60),
      ]);
      const text = table(['STARTED', 'OUTCOME', 'HTTP', 'RESOURCE', 'EVENT', 'RESOURCE ID', 'PROJECT', 'ERROR'], rows);
      lines.push(...text.split('\n').map((line) => `    ${line}`));
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
