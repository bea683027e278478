// Delivered markers: for a resource taken by webhook, what version of each record downstream already
// has, so the reconciliation pull (cadence/run-resources.ts) delivers only what the webhook path
// missed (an event Procore dropped after 12 hours of failed deliveries, or a change since). They are
// the content-hash machinery's own items (state/content-hashes.ts: one item per record in the
// scope's hash partition, written in batches of 25, only when changed): the events consumer writes
// the marker of each record it delivered, the reconciliation pull skips a record whose marker is
// its version (change-detector.ts) and writes the markers of what it delivered itself.
//
// "Same version" is the record's content hash, not its updated_at: updated_at has whole seconds
// (two edits in one second share it), some lists carry none (timestampField null), and a change to
// a listed field need not move it; the hash is exactly what downstream received. The webhook read
// and the pull read the same list request (registry view and filters), so one version of a record
// hashes the same on both paths.
import type { Lifecycle } from '../../commons/contracts/record-envelope';

/** The marker of a record delivered as removed (a webhook delete): never a hash (22 base64url characters). */
export const REMOVED_MARKER = 'removed';

/**
 * How long a webhook resource's marker is kept (DynamoDB TTL): the next reconciliation pull (daily
 * by default) reads it; one that comes later than this delivers the record once more, never loses it.
 */
export const DELIVERED_MARKER_TTL_MS = 14 * 24 * 3600_000;

/** A record listed as not active (deleted, recycled, inactive) is the version a removal marker stands for. */
export function isRemoval(lifecycle: Lifecycle): boolean {
  return lifecycle !== 'active';
}
