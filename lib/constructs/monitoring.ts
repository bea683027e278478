// What an operator watches: alarms to an SNS topic (e-mailed where the stage names an address) and
// one dashboard showing the exchange at a glance (backlog, dead letters, function health).
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoredQueue {
  /** Short label for alarm names, descriptions and the dashboard, e.g. "push DLQ". */
  readonly label: string;
  readonly queue: IQueue;
}

export interface BacklogQueue extends MonitoredQueue {
  /** Alarm when the oldest message has waited longer than this. */
  readonly maxAge: Duration;
}

export interface MonitoredFunction {
  readonly label: string;
  readonly function: IFunction;
}

export interface MonitoringProps {
  readonly stage: string;
  /**
   * Subscribed to the alarm topic (the address confirms the subscription from the first e-mail).
   * @default no subscription: alarms show in CloudWatch and on the dashboard only
   */
  readonly alarmEmail?: string;
  /** Alarmed when they first hold a message, and again whenever more arrive while they do. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** Alarmed on the age of the oldest message. */
  readonly backlogQueues: readonly BacklogQueue[];
  /** Alarmed on errors and throttles. */
  readonly functions: readonly MonitoredFunction[];
  /** The topic's KMS key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const PERIOD = Duration.minutes(5);

/**
 * 1 in a period where a queue that already held messages holds more than at the period before,
 * else 0. An alarm on "visible > 0" notifies once and then stays in ALARM while messages wait, so
 * failures that keep coming would go unnoticed; this one goes back to OK after a quiet period and
 * fires again on the next arrival. Why not NumberOfMessagesSent: SQS does not count messages its
 * redrive policy moves into a DLQ in that metric, only ones sent to it directly
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 * DIFF, IF and AND are metric math an alarm may watch (one time series; DIFF is not among the
 * functions AWS advises against in alarms): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
function growingWhileNotEmpty(visible: IMetric): MathExpression {
  return new MathExpression({
    expression: 'IF(DIFF(visible) > 0 AND (visible - DIFF(visible)) > 0, 1, 0)',
    usingMetrics: { visible },
    period: PERIOD,
    label: 'more dead letters while not empty',
  });
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  /** Every alarm's name starts with this (the stack name), so the topic policy can name them all. */
  readonly alarmNamePrefix: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmNamePrefix = `${Stack.of(this).stackName}-`;
    this.topic = this.alarmTopic(props);
    if (props.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'The only subscription is the operator e-mail. An undelivered alarm e-mail loses no connector data: the alarm stays in ALARM on the dashboard and in CloudWatch.',
      });
    }

    for (const { label, queue } of props.deadLetterQueues) {
      const visible = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
      this.alarm(`${label} has messages`, visible, 0, `Messages in the ${label}: an exchange failed for good. Inspect them, fix the cause, redrive.`);
      this.alarm(
        `${label} received more`,
        growingWhileNotEmpty(visible),
        0,
        `More messages reached the ${label} while it already held some: failures continue after the first alarm. Inspect them, fix the cause, redrive.`,
      );
    }
    for (const { label, queue, maxAge } of props.backlogQueues) {
      this.alarm(
        `${label} backlog`,
        queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
        maxAge.toSeconds(),
        `The oldest message in the ${label} has waited more than ${maxAge.toHumanString()}: its consumer is behind or stopped.`,
      );
    }
    for (const { label, function: fn } of props.functions) {
      this.alarm(
        `${label} errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        0,
        `The ${label} function failed (uncaught error or timeout). See its log group.`,
      );
      this.alarm(
        `${label} throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        0,
        `The ${label} function was throttled: account concurrency is exhausted.`,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
    });
    const labelled = (items: readonly MonitoredQueue[], make: (q: IQueue, label: string) => IMetric) => items.map(({ queue, label }) => make(queue, label));
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Procore connector (${props.stage})\nPull: schedule -> planner -> sync jobs -> worker -> records queue. Push: push queue -> push function -> Procore. Any dead letter is an exchange that failed for good.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Backlog: messages waiting',
        left: labelled(props.backlogQueues, (q, label) => q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Backlog: oldest message age (s)',
        left: labelled(props.backlogQueues, (q, label) => q.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: labelled(props.deadLetterQueues, (q, label) => q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Messages in (sent to queues)',
        left: labelled(props.backlogQueues, (q, label) => q.metricNumberOfMessagesSent({ period: PERIOD, statistic: 'Sum', label })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Invocations and errors',
        left: props.functions.map(({ function: fn, label }) => fn.metricInvocations({ period: PERIOD, statistic: 'Sum', label: `${label} invocations` })),
        right: props.functions.map(({ function: fn, label }) => fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${label} errors` })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Duration p95 (ms) and throttles',
        left: props.functions.map(({ function: fn, label }) => fn.metricDuration({ period: PERIOD, statistic: 'p95', label: `${label} p95` })),
        right: props.functions.map(({ function: fn, label }) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: `${label} throttles` })),
        width: 8,
      }),
    );
  }

  /**
   * The alarm topic. Its policy must let CloudWatch publish: enforceSSL makes CDK write a topic
   * policy, which replaces SNS's default one, so without this statement no alarm reaches the topic
   * ("... is not authorized to perform: SNS:Publish", https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
   * The statement is scoped to this account's alarms of this stack (aws:SourceAccount, aws:SourceArn).
   * Encrypted with a customer managed key whose policy lets CloudWatch use it: CloudWatch cannot
   * publish to a topic under the AWS managed SNS key (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns).
   */
  private alarmTopic(props: MonitoringProps): Topic {
    const stack = Stack.of(this);
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Procore connector alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    key.grant(cloudwatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `Procore connector (${props.stage}) alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisStackPublish',
        effect: Effect.ALLOW,
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${this.alarmNamePrefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return topic;
  }

  private alarm(name: string, metric: IMetric, threshold: number, description: string): void {
    const id = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase());
    const alarm = new Alarm(this, id, {
      alarmName: `${this.alarmNamePrefix}${name.replace(/[^A-Za-z0-9-]+/g, '-')}`,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
