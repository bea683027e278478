// What an operator watches: alarms to an SNS topic (optionally e-mailed) and one dashboard
// showing the exchange at a glance (backlog, dead letters, function health).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoredQueue {
  /** Short label for alarm descriptions and the dashboard, e.g. "push DLQ". */
  label: string;
  queue: IQueue;
}

export interface BacklogQueue extends MonitoredQueue {
  /** Alarm when the oldest message has waited longer than this. */
  maxAge: Duration;
}

export interface MonitoredFunction {
  label: string;
  function: IFunction;
}

export interface MonitoringProps {
  stage: string;
  alarmEmail?: string;
  /** Alarmed on any visible message. */
  deadLetterQueues: MonitoredQueue[];
  /** Alarmed on the age of the oldest message. */
  backlogQueues: BacklogQueue[];
  functions: MonitoredFunction[];
  removalPolicy: RemovalPolicy;
}

const PERIOD = Duration.minutes(5);

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // A customer managed key: CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Procore connector alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `Procore connector (${props.stage}) alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'The only subscription is the operator e-mail. An undelivered alarm e-mail loses no connector data: the alarm stays in ALARM on the dashboard and in CloudWatch.',
      });
    }

    for (const { label, queue } of props.deadLetterQueues) {
      this.alarm(`${label} has messages`, queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }), 0,
        `Messages in the ${label}: an exchange failed for good. Inspect them, fix the cause, redrive.`);
    }
    for (const { label, queue, maxAge } of props.backlogQueues) {
      this.alarm(`${label} backlog`, queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }), maxAge.toSeconds(),
        `The oldest message in the ${label} has waited more than ${maxAge.toHumanString()}: its consumer is behind or stopped.`);
    }
    for (const { label, function: fn } of props.functions) {
      this.alarm(`${label} errors`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), 0,
        `The ${label} function failed (uncaught error or timeout). See its log group.`);
      this.alarm(`${label} throttles`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), 0,
        `The ${label} function was throttled: account concurrency is exhausted.`);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
    });
    const labelled = (items: MonitoredQueue[], make: (q: IQueue, label: string) => IMetric) => items.map(({ queue, label }) => make(queue, label));
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Procore connector (${props.stage})\nPull: schedule -> planner -> sync jobs -> worker -> records queue. Push: push queue -> push function -> Procore. Any dead letter is an exchange that failed for good.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
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

  private alarm(name: string, metric: IMetric, threshold: number, description: string): void {
    const id = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase());
    const alarm = new Alarm(this, id, {
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
