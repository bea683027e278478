/** The CloudWatch namespace of every connector metric (the stack's alarms read it too). */
export const METRICS_NAMESPACE = 'ProcoreConnector';
