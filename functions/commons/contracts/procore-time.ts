// Procore's timestamp format: ISO 8601 in UTC, whole seconds (2026-01-15T12:00:00Z). Its
// updated_at filter takes it, its records carry it, and EventBridge writes `time` the same way.

/** `epochMs` floored to the second, as Procore writes times. */
export function toProcoreTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
