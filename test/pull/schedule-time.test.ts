// The planner's window end: the scheduled event's time while it agrees with Procore's clock, the
// clock's time (logged) when the event is ahead of it or far behind.
import { MAX_EVENT_LAG_MS, scheduledWindowEnd } from '../../functions/pull/schedule-time';

const CLOCK = Date.parse('2026-01-15T12:00:00Z');

function logged() {
  const lines: { level: string; message: string; details: unknown }[] = [];
  const at = (level: string) => (message: string, details?: unknown) => lines.push({ level, message, details });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('scheduled window end', () => {
  it("takes the event's time when it is not ahead of the clock and at most 15 minutes behind", () => {
    const { lines, logger } = logged();
    expect(scheduledWindowEnd('2026-01-15T12:00:00Z', CLOCK + 400, logger)).toBe('2026-01-15T12:00:00Z');
    expect(scheduledWindowEnd('2026-01-15T11:50:00Z', CLOCK, logger)).toBe('2026-01-15T11:50:00Z');
    expect(scheduledWindowEnd('2026-01-15T11:45:00Z', CLOCK, logger)).toBe('2026-01-15T11:45:00Z');
    expect(MAX_EVENT_LAG_MS).toBe(15 * 60_000);
    expect(lines).toEqual([]);
  });

  it('clamps an event dated a day ahead to the clock, with a warning naming both times', () => {
    const { lines, logger } = logged();
    expect(scheduledWindowEnd('2026-01-16T12:00:00Z', CLOCK, logger)).toBe('2026-01-15T12:00:00Z');
    expect(lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/ahead of the clock/),
        details: { eventTime: '2026-01-16T12:00:00Z', clock: '2026-01-15T12:00:00Z', offBySeconds: 86400 },
      },
    ]);
  });

  it('clamps an event dated a day behind to the clock, with a warning', () => {
    const { lines, logger } = logged();
    expect(scheduledWindowEnd('2026-01-14T12:00:00Z', CLOCK, logger)).toBe('2026-01-15T12:00:00Z');
    expect(lines).toMatchObject([{ level: 'warn', message: expect.stringMatching(/behind the clock/), details: { offBySeconds: -86400 } }]);
  });

  it('clamps an event a few seconds ahead (clock skew) too, logged as info', () => {
    const { lines, logger } = logged();
    expect(scheduledWindowEnd('2026-01-15T12:00:05Z', CLOCK, logger)).toBe('2026-01-15T12:00:00Z');
    expect(lines).toMatchObject([{ level: 'info', details: { offBySeconds: 5 } }]);
  });
});
