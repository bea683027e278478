/** The logging core code takes (dependencies passed in): Powertools' Logger (through `log` in
 * powertools.ts), `console` and `silentLogger` all fit. Callers never pass tokens or secrets in `extra`. */
export interface LoggerLike {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLogger: LoggerLike = { debug() {}, info() {}, warn() {}, error() {} };
