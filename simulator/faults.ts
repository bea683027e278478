// Injected failures, drawn from a seeded PRNG so a test sees the same sequence every run.
import { mulberry32, pick, type Random } from './prng';

/** Rates are probabilities (0..1) per request; one draw decides, in this order of precedence. */
export interface FaultOptions {
  /** Answer 500/502/503/504 (503 with Retry-After: 1). */
  serverErrorRate?: number;
  /** Answer 429 (Remaining 0, Retry-After unless disabled) whatever the budget. */
  rateLimitBurstRate?: number;
  /** Destroy the socket without a response. */
  dropConnectionRate?: number;
  /** Never answer (until close()); the caller's timeout has to end it. */
  hangRate?: number;
  /** Per-request rates that replace the ones above for that request (e.g. only 429s for plain creates). */
  ratesFor?: (req: { method: string; path: string }) => Pick<FaultOptions, 'serverErrorRate' | 'rateLimitBurstRate' | 'dropConnectionRate' | 'hangRate'>;
  /** Restrict faults to some requests; `path` is the full path, e.g. /api/rest/v1.0/vendors; `query` its parameters. */
  only?: (req: { method: string; path: string; query: Record<string, string> }) => boolean;
  /** Default false: only /api/rest/* requests get faults; true adds the /login/oauth/* endpoints. */
  includeTokenEndpoint?: boolean;
}

export type Fault = { kind: 'server-error'; status: 500 | 502 | 503 | 504 } | { kind: 'rate-limit-burst' } | { kind: 'drop' } | { kind: 'hang' };

export function faultLabel(f: Fault): string {
  return f.kind === 'server-error' ? `server-error-${f.status}` : f.kind;
}

export class FaultInjector {
  private options: FaultOptions | undefined;
  private random: Random;

  constructor(
    private readonly seed: number,
    options: FaultOptions | undefined,
  ) {
    this.options = options;
    this.random = mulberry32(seed ^ 0x5eed);
  }

  /** Replacing the faults restarts the PRNG, so each test's sequence does not depend on earlier ones. */
  configure(options: FaultOptions | undefined): void {
    this.options = options;
    this.random = mulberry32(this.seed ^ 0x5eed);
  }

  /** `req.path` is the full path (e.g. /api/rest/v1.0/me); `target` says which endpoint family it hit. */
  draw(req: { method: string; path: string; query: Record<string, string> }, target: 'rest' | 'login' | 'other'): Fault | undefined {
    const o = this.options;
    if (!o) return undefined;
    if (target === 'other' || (target === 'login' && !o.includeTokenEndpoint)) return undefined;
    if (o.only && !o.only(req)) return undefined;
    const rates = o.ratesFor ? o.ratesFor(req) : o;
    // One draw over consecutive bands: [0, serverErrorRate) is a 5xx, the next band a 429 burst, ...
    const r = this.random();
    let threshold = rates.serverErrorRate ?? 0;
    if (r < threshold) return { kind: 'server-error', status: pick(this.random, [500, 502, 503, 504] as const) };
    threshold += rates.rateLimitBurstRate ?? 0;
    if (r < threshold) return { kind: 'rate-limit-burst' };
    threshold += rates.dropConnectionRate ?? 0;
    if (r < threshold) return { kind: 'drop' };
    threshold += rates.hangRate ?? 0;
    if (r < threshold) return { kind: 'hang' };
    return undefined;
  }
}
