// Time comes from the clock, not from the event. The planner's window end is the scheduled event's
// time only while that time agrees with Procore's clock (the clock that writes updated_at): an
// event dated ahead would move cursors past edits not made yet (they would never arrive), and one
// dated far behind (a retried or replayed event) would pull a window that ended long ago. Either is
// clamped to Procore's clock, and logged. The worker holds the same line on its own (window-walk.ts:
// a window never ends after the time its first page was read), whatever the job says.
import { toProcoreTime } from '../commons/contracts/procore-time';
import type { LoggerLike } from '../commons/observability/logger';

/** An event up to this far behind the clock is taken as it is (EventBridge and Lambda deliver scheduled events seconds to minutes late). */
export const MAX_EVENT_LAG_MS = 15 * 60_000;

/** An event ahead of the clock by more than this is logged as a warning (less is clock skew, logged as info). */
const SKEW_MS = 60_000;

/**
 * The window end for a scheduled event at `eventTime`, given Procore's clock (epoch ms; the
 * connector's own when no Procore answer told it): the event's time if it is not ahead of the clock
 * and at most MAX_EVENT_LAG_MS behind, else the clock's time.
 */
export function scheduledWindowEnd(eventTime: string, clockMs: number, logger: LoggerLike): string {
  const event = Date.parse(eventTime);
  const clock = Date.parse(toProcoreTime(clockMs));
  const clamp = (how: string, warn: boolean) => {
    const details = { eventTime, clock: toProcoreTime(clock), offBySeconds: Math.round((event - clock) / 1000) };
    if (warn) logger.warn(`The scheduled event's time is ${how}; the window ends at the clock's time instead`, details);
    else logger.info(`The scheduled event's time is ${how}; the window ends at the clock's time instead`, details);
    return toProcoreTime(clock);
  };
  if (event > clock) return clamp('ahead of the clock', event - clock > SKEW_MS);
  if (clock - event > MAX_EVENT_LAG_MS) return clamp(`more than ${MAX_EVENT_LAG_MS / 60_000} minutes behind the clock`, true);
  return toProcoreTime(event);
}
