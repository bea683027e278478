// One Lambda function of the connector, with the settings every handler shares: Node 24 on arm64,
// an ESM bundle built by the local esbuild, active tracing, an explicit log group with retention,
// and a role that may write to that log group and nothing else until grants add to it.
import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/commons/observability/names';

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
  entry: string;
  /** Powertools service name, also the function's role in logs and metrics. */
  serviceName: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  /** The handler's environment contract (functions/commons/config/runtime-env.ts). */
  environment: Record<string, string>;
  removalPolicy: RemovalPolicy;
  logRetention?: RetentionDays;
}

/**
 * Acknowledgements for a function driven by an SQS event source: Lambda polls and invokes it
 * synchronously, so failures return to the queue and its redrive policy moves them to the DLQ.
 */
export function acknowledgeSqsDrivenFunction(fn: Construct): void {
  Validations.of(fn).acknowledge(
    {
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by an SQS event source mapping; a function DLQ applies only to asynchronous invocations. Failed messages reach the source queue\'s DLQ through its redrive policy.',
    },
    {
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: 'On-failure destinations exist only for stream and Kafka event sources; for an SQS source the queue\'s redrive policy (maxReceiveCount -> DLQ) is the failure destination.',
    },
  );
}

export class ConnectorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ConnectorFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose logs:* grant covers every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: writes its own log group; further access comes from grants`,
    });
    this.logGroup.grantWrite(this.role);

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
      tracing: Tracing.ACTIVE,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: FUNCTION_BUNDLING,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only the X-Ray statement added by active tracing uses "*": xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
}
