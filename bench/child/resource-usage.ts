// What a bench child reports about itself: peak RSS and CPU time since it started. The parent asks
// for it with a probe event before and after a scenario, so the numbers are the function's own
// process (not moto's, not the simulator's, not the bench's).
export const USAGE_PROBE = { benchProbe: 'resource-usage' } as const;

export interface ChildUsage {
  /** Peak resident set size of the process so far, bytes. */
  maxRssBytes: number;
  /** User + system CPU time of the process so far, microseconds. */
  cpuMicros: number;
  /** RSS right now, bytes. */
  rssBytes: number;
}

export function isUsageProbe(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { benchProbe?: unknown }).benchProbe === USAGE_PROBE.benchProbe;
}

export function childUsage(): ChildUsage {
  const usage = process.resourceUsage();
  return { maxRssBytes: usage.maxRSS * 1024, cpuMicros: usage.userCPUTime + usage.systemCPUTime, rssBytes: process.memoryUsage.rss() };
}
