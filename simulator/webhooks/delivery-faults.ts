// What a sender can do wrong with a delivery, drawn from a seeded PRNG so a test sees the same
// sequence every run (as simulator/faults.ts does for API answers). Procore documents duplicates
// ("at least once"), gives no ordering guarantee, and drops events after 12 h of failures
// (procore/documentation plan_your_app/webhooks.md, "Reliability and Retries").
import type { Random } from '../prng';

/** Probabilities (0..1) per delivery; one draw decides, bands in this order. */
export interface DeliveryFaultOptions {
  /** The sender loses the delivery: never sent, listed as discarded. */
  dropRate?: number;
  /** Sent twice (the same event and ulid) once the first copy was accepted. */
  duplicateRate?: number;
  /** Held back so that later deliveries of the hook overtake it. */
  outOfOrderRate?: number;
}

export type DeliveryFault = 'drop' | 'duplicate' | 'out-of-order' | undefined;

export function drawDeliveryFault(random: Random, options: DeliveryFaultOptions | undefined): DeliveryFault {
  if (!options) return undefined;
  const r = random();
  let threshold = options.dropRate ?? 0;
  if (r < threshold) return 'drop';
  threshold += options.duplicateRate ?? 0;
  if (r < threshold) return 'duplicate';
  threshold += options.outOfOrderRate ?? 0;
  if (r < threshold) return 'out-of-order';
  return undefined;
}
