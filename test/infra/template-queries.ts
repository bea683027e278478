// Reading a synthesized template: resources by type, a function's IAM statements and environment,
// and CloudFormation values rendered to comparable strings.
import { logicalId, type SynthesizedStage } from './synth';

export const QUEUE = 'AWS::SQS::Queue';
export const FUNCTION = 'AWS::Lambda::Function';

/** The functions of the stack (webhooks on), by logical-id prefix, with their handler entries. */
export const FUNCTIONS = {
  PushHandler: 'functions/push/handler.ts',
  PullPlanner: 'functions/pull/planner-handler.ts',
  PullWorker: 'functions/pull/worker-handler.ts',
  WebhooksReceiver: 'functions/webhooks/receiver-handler.ts',
  WebhooksConsumer: 'functions/webhooks/events-handler.ts',
} as const;
export type FunctionPrefix = keyof typeof FUNCTIONS;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
  Sid?: string;
}

export const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

export function resources(s: SynthesizedStage, type: string): [string, any][] {
  return Object.entries(s.json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

export function functionId(s: SynthesizedStage, prefix: FunctionPrefix): string {
  return logicalId(s.json, FUNCTION, prefix);
}

/** The statements of the policies attached to the role of the function whose id starts with prefix. */
export function policyOf(s: SynthesizedStage, prefix: FunctionPrefix): Statement[] {
  const fn = s.json.Resources[functionId(s, prefix)];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const policies = resources(s, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId));
  return policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (st: Statement) => [st.Action].flat();
const targetsOf = (st: Statement) => [st.Resource].flat();

/** Whether an Allow statement grants `action` on exactly `resource` (a template value). */
export function allows(statements: Statement[], action: string, resource: unknown): boolean {
  return statements.some(
    (st) => st.Effect === 'Allow' && actionsOf(st).includes(action) && targetsOf(st).some((t) => JSON.stringify(t) === JSON.stringify(resource)),
  );
}

/** Whether an Allow statement grants `action` on any resource that mentions logical id `id` (e.g. "bucket/*"). */
export function allowsOn(statements: Statement[], action: string, id: string): boolean {
  return statements.some((st) => st.Effect === 'Allow' && actionsOf(st).includes(action) && targetsOf(st).some((t) => JSON.stringify(t).includes(`"${id}"`)));
}

export function environmentOf(s: SynthesizedStage, prefix: FunctionPrefix): Record<string, any> {
  return s.json.Resources[functionId(s, prefix)].Properties.Environment.Variables;
}

/**
 * A template value as a string: literals as they are, references as ${Ref} / ${Id.Attr}, joins
 * joined. Enough to compare ARNs built by formatArn with names.
 */
export function render(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const v = value as Record<string, any>;
  if (v.Ref !== undefined) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** Bytes a deployed environment may take: keys plus values, each reference counted as `referenceBytes`. */
export function deployedEnvironmentBytes(env: Record<string, unknown>, referenceBytes: number): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(env)) {
    const text = render(value);
    const references = text.match(/\$\{[^}]+\}/g) ?? [];
    bytes += Buffer.byteLength(key) + Buffer.byteLength(text.replace(/\$\{[^}]+\}/g, '')) + references.length * referenceBytes;
  }
  return bytes;
}

/** What tracing a function has: Lambda's mode, POWERTOOLS_TRACE_ENABLED, and the actions it may call on "*" (X-Ray's). */
export function tracingOf(
  s: SynthesizedStage,
  prefix: FunctionPrefix,
): { mode: string | undefined; traceEnabled: string | undefined; onEveryResource: string[] } {
  return {
    mode: s.json.Resources[functionId(s, prefix)].Properties.TracingConfig?.Mode,
    traceEnabled: environmentOf(s, prefix).POWERTOOLS_TRACE_ENABLED,
    onEveryResource: policyOf(s, prefix)
      .filter((st) => st.Resource === '*')
      .flatMap(actionsOf)
      .sort(),
  };
}
