// EventBridge schedule expressions, checked at synth so a typo fails `cdk synth` instead of the deploy.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
import { z } from 'zod';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

// One character class per cron field: minutes, hours, day-of-month, month, day-of-week, year.
const CRON_FIELDS: readonly [name: string, pattern: RegExp][] = [
  ['minutes', /^[0-9,\-*/]+$/],
  ['hours', /^[0-9,\-*/]+$/],
  ['day-of-month', /^([0-9,\-*?/LW]+)$/],
  ['month', /^([0-9,\-*/]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i],
  ['day-of-week', /^([0-9,\-*?/L#]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i],
  ['year', /^[0-9,\-*/]+$/],
];

/** Why `expression` is not a valid EventBridge schedule, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (value < 1) return 'rate value must be 1 or more';
    // EventBridge rejects "rate(1 minutes)" and "rate(5 minute)".
    if (value === 1 && unit.endsWith('s')) return `use the singular unit for 1: rate(1 ${unit.slice(0, -1)})`;
    if (value > 1 && !unit.endsWith('s')) return `use the plural unit for ${value}: rate(${value} ${unit}s)`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? '').trim().split(/\s+/);
    if (fields.length !== 6) {
      return `cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    }
    for (const [index, [name, pattern]] of CRON_FIELDS.entries()) {
      if (!pattern.test(fields[index] ?? '')) return `cron field ${name} "${fields[index]}" is not valid`;
    }
    if ((fields[2] === '?') === (fields[4] === '?')) {
      return 'cron needs "?" in exactly one of day-of-month and day-of-week';
    }
    return undefined;
  }
  return 'must be rate(<n> minute|minutes|hour|hours|day|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)';
}

export const ScheduleExpressionSchema = z.string().superRefine((expression, ctx) => {
  const problem = scheduleExpressionProblem(expression);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(expression)}: ${problem}` });
});
