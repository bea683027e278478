// One Lambda function of the connector, with the settings every handler shares: Node 24 on arm64,
// an ESM bundle built by the local esbuild, tracing as the stage sets it (lib/config/tracing-mode.ts:
// Lambda's active tracing, Powertools Tracer's subsegments only on request), an explicit log group
// with retention, a role that may write to that log group and nothing else until bindings add to it,
// and an environment checked against Lambda's 4 KB at synth.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, RecursiveLoop, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/commons/observability/names';
import { activeTracing, DEFAULT_TRACING_MODE, type TracingMode, tracerBundleDefine, tracingEnvironment } from '../config/tracing-mode';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Middy 7 is ESM-only; bundled CommonJS dependencies still call require(), which ESM lacks. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** How every handler is bundled (also used by `npm run bench` to measure the same bundles). */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Bundle the AWS SDK v3 too: the versions tested here are the ones that run, and tree-shaking
  // keeps only the clients in use (see README, "AWS SDK in the bundle").
  externalModules: [] as string[],
  forceDockerBundling: false,
} satisfies BundlingOptions;

export interface ConnectorFunctionProps {
  /** Handler entry file, relative to the project root (exports `handler`). */
  readonly entry: string;
  /** Powertools service name, also the function's role in logs and metrics. */
  readonly serviceName: string;
  readonly description: string;
  /** At most 15 minutes (Lambda's limit). */
  readonly timeout: Duration;
  /** MB, 128 to 10,240. */
  readonly memorySize: number;
  /**
   * Variables of the handler's environment contract (functions/commons/config/runtime-env.ts) that
   * are not resources; resources come with their grant through `bind` (bind.ts).
   * @default {}
   */
  readonly environment?: Record<string, string>;
  /** @default RemovalPolicy.RETAIN (the log group outlives the stack) */
  readonly removalPolicy?: RemovalPolicy;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * The stage's tracing setting: "lambda" active tracing (service segments, no SDK in the function),
   * "subsegments" that and Powertools Tracer's subsegments (the handler wraps itself in
   * captureLambdaHandler; elsewhere POWERTOOLS_TRACE_ENABLED=false keeps Tracer unloaded), "off" neither.
   * @default "lambda"
   */
  readonly tracing?: TracingMode;
  /**
   * Lambda's recursive loop detection. Allow only where the code bounds its own loop.
   * @default RecursiveLoop.TERMINATE (Lambda's default)
   */
  readonly recursiveLoop?: RecursiveLoop;
  /** Concurrent executions reserved for (and capping) the function. @default none: the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
  /** Overrides for what is bundled (tests of the stack itself). @default FUNCTION_BUNDLING */
  readonly bundling?: BundlingOptions;
}

/** Lambda's limit on a function's environment variables, keys and values together (4 KB). */
const ENVIRONMENT_BYTES_LIMIT = 4096;
/**
 * Bytes counted for a value CloudFormation resolves at deploy (a queue URL, table or bucket name):
 * more than any of them can take (queue URL ~150, bucket name <= 63, table name <= 255).
 */
const UNRESOLVED_VALUE_BYTES = 256;

/**
 * The environment's size once deployed, at most: keys plus values, unresolved references counted
 * as UNRESOLVED_VALUE_BYTES. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
function environmentBytes(environment: Record<string, string>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    const tokens = value.match(TOKEN)?.length ?? 0;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value.replace(TOKEN, '')) + tokens * UNRESOLVED_VALUE_BYTES;
  }
  return bytes;
}
const TOKEN = /\$\{Token\[[^\]]+\]\}/g;

function checkProps(id: string, props: ConnectorFunctionProps): void {
  const problems: string[] = [];
  if (!existsSync(path.join(PROJECT_ROOT, props.entry))) problems.push(`entry ${props.entry} does not exist`);
  if (!props.serviceName.trim()) problems.push('serviceName is empty');
  if (props.timeout.toSeconds() < 1 || props.timeout.toSeconds() > 900) problems.push(`timeout must be 1 s to 15 minutes (got ${props.timeout.toSeconds()} s)`);
  if (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10240)
    problems.push(`memorySize must be 128 to 10240 MB (got ${props.memorySize})`);
  if (problems.length > 0) throw new Error(`ConnectorFunction ${id}: ${problems.join('; ')}`);
}

/**
 * Acknowledgements for a function driven by an SQS event source: Lambda polls and invokes it
 * synchronously, so failures return to the queue and its redrive policy moves them to the DLQ.
 */
export function acknowledgeSqsDrivenFunction(fn: Construct): void {
  Validations.of(fn).acknowledge(
    {
      id: 'Serverless-LambdaDLQ',
      reason:
        "Invoked synchronously by an SQS event source mapping; a function DLQ applies only to asynchronous invocations. Failed messages reach the source queue's DLQ through its redrive policy.",
    },
    {
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "On-failure destinations exist only for stream and Kafka event sources; for an SQS source the queue's redrive policy (maxReceiveCount -> DLQ) is the failure destination.",
    },
  );
}

/** The bundling options with the stage's tracing decided at build time (tracerBundleDefine). */
function withTracerDefine(bundling: BundlingOptions, tracing: TracingMode): BundlingOptions {
  return { ...bundling, define: { ...bundling.define, ...tracerBundleDefine(tracing) } };
}

export class ConnectorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  private readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ConnectorFunctionProps) {
    super(scope, id);
    checkProps(id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const tracing = props.tracing ?? DEFAULT_TRACING_MODE;
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose logs:* grant covers every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: writes its own log group; further access comes from grants`,
    });
    this.logGroup.grantWrite(this.role);

    this.environment = {
      ...props.environment,
      ...tracingEnvironment(tracing),
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    };
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      tracing: activeTracing(tracing) ? Tracing.ACTIVE : Tracing.DISABLED,
      recursiveLoop: props.recursiveLoop ?? RecursiveLoop.TERMINATE,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: { ...this.environment },
      bundling: withTracerDefine(props.bundling ?? FUNCTION_BUNDLING, tracing),
    });
    if (activeTracing(tracing)) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the X-Ray statement added by active tracing uses "*": xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      });
    } else {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason: 'The stage turns tracing off (stages.<stage>.tracing "off" in cdk.json): the operator chose no X-Ray for this stage; logs and metrics remain.',
      });
    }
    // Synth stops here, naming the function, long before a deploy would fail on Lambda's 4 KB limit.
    this.node.addValidation({
      validate: () => {
        const bytes = environmentBytes(this.environment);
        return bytes <= ENVIRONMENT_BYTES_LIMIT * 0.75
          ? []
          : [
              `environment variables may take ${bytes} bytes once deployed; Lambda allows ${ENVIRONMENT_BYTES_LIMIT} in all: move large values (configuration) out of the environment`,
            ];
      },
    });
  }

  /** Sets a variable of the handler's environment (use `bind` for resources, so the grant comes with it). */
  addEnvironment(key: string, value: string): void {
    this.environment[key] = value;
    this.function.addEnvironment(key, value);
  }
}
