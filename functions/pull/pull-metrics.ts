// The pull worker's metrics (Powertools Metrics in the function, through countMetric; nothing in tests).
export type PullMetricName =
  | 'PullRecordsDelivered'
  | 'PullPagesDelivered'
  | 'PullRecordsClaimChecked'
  | 'PullRecordsQuarantined'
  | 'PullContinuations'
  | 'PullContinuationLimitReached'
  | 'PullJobsSuperseded';

export interface PullMetrics {
  count(name: PullMetricName, value?: number): void;
}
