// Whether Powertools' Tracer traces in this environment, decided the way Tracer 2.x decides it at
// construction (setTracingEnabled in @aws-lambda-powertools/tracer's Tracer.js): off when
// POWERTOOLS_TRACE_ENABLED is "false", outside Lambda (no AWS_EXECUTION_ENV), under the SAM CLI
// (AWS_SAM_LOCAL) or Amplify's mock. test/observability checks it against Tracer itself.
export function tracingEnabledIn(env: Record<string, string | undefined>): boolean {
  if (env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV?.trim() ?? '';
  if (executionEnv === '' || executionEnv === 'AWS_Lambda_amplify-mock') return false;
  return (env.AWS_SAM_LOCAL?.trim() ?? '') === '';
}
