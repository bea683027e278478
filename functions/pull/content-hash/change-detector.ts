// Change detection against the content hashes a scope delivered before (state/content-hashes.ts),
// for two kinds of pull:
// - a list Procore gives no updated_at filter (`changeDetection: 'content-hash'`): every full
//   listing is compared, record by record. Ids delivered before and absent from a complete listing
//   have left the list: the removal pass delivers them as removed and forgets their hashes;
// - the reconciliation pull of a webhook resource (a job with `reconcile`): the same comparison
//   against the markers the events consumer wrote (delivered-markers.ts), over the window's list
//   and its removal pass; the markers it writes expire (DELIVERED_MARKER_TTL_MS).
// Only records whose hash is new or changed are delivered; their hashes are written after their
// delivery (so a crash delivers them again, never loses them). A record delivered as removed by a
// webhook (REMOVED_MARKER) is not delivered again while Procore shows it removed.
import { integerText } from '../../commons/json/exact-json';
import { lifecycleOf } from '../removals/lifecycle';
import { readContentHashes, writeContentHashes } from '../state/content-hashes';
import type { SyncTable } from '../state/cursor';
import type { SyncScope } from '../sync-scope';
import { isRemoval, REMOVED_MARKER } from './delivered-markers';
import { contentHash } from './record-hash';

export interface ChangeDetectorOptions {
  idField: string;
  /** A full resync delivers every record, changed or not. */
  full: boolean;
  /** Written hashes expire this long after `now` (delivered markers); absent: kept until the record leaves the list. */
  expireAfterMs?: number;
  now?: () => number;
}

export class ChangeDetector {
  /** Hashes of records delivered from this listing, not yet written. */
  private pending = new Map<string, string>();
  private readonly seen = new Set<string>();
  /** BatchWriteItem calls made (for logs and tests). */
  writeCalls = 0;

  private constructor(
    private readonly table: SyncTable,
    private readonly scope: SyncScope,
    private readonly stored: Map<string, string>,
    private readonly options: ChangeDetectorOptions,
  ) {}

  static async load(table: SyncTable, scope: SyncScope, options: ChangeDetectorOptions): Promise<ChangeDetector> {
    return new ChangeDetector(table, scope, await readContentHashes(table, scope), options);
  }

  /**
   * The records of a read to deliver: new or changed ones (and any the connector cannot read: they
   * go quarantined). `removalPass`: records read where Procore shows removed ones (a recycle bin).
   */
  changed(records: unknown[], { removalPass = false } = {}): unknown[] {
    return records.filter((record) => {
      const id = integerText((record as Record<string, unknown> | null)?.[this.options.idField]);
      if (id === undefined) return true;
      this.seen.add(id);
      const hash = contentHash(record);
      if (this.alreadyDelivered(this.stored.get(id), hash, record, removalPass)) return this.options.full;
      this.pending.set(id, hash);
      return true;
    });
  }

  private alreadyDelivered(stored: string | undefined, hash: string, record: unknown, removalPass: boolean): boolean {
    if (stored === hash) return true;
    if (stored !== REMOVED_MARKER) return false;
    return removalPass || isRemoval(lifecycleOf(this.scope.resource, record as Record<string, unknown>));
  }

  /** After the read's records were delivered: keep their hashes. */
  async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    const written = this.pending;
    this.pending = new Map();
    const { expireAfterMs, now = Date.now } = this.options;
    this.writeCalls += await writeContentHashes(this.table, this.scope, written, [], expireAfterMs === undefined ? {} : { expiresAtMs: now() + expireAfterMs });
    for (const [id, hash] of written) this.stored.set(id, hash);
  }

  /** Ids delivered before that this (complete) listing did not show (a webhook's removal is delivered already). */
  removedIds(): string[] {
    return [...this.stored].filter(([id, hash]) => !this.seen.has(id) && hash !== REMOVED_MARKER).map(([id]) => id);
  }

  /** After their removal envelopes were delivered: forget them, and the webhook removals the listing confirmed. */
  async forget(ids: string[]): Promise<void> {
    const confirmed = [...this.stored].filter(([id, hash]) => !this.seen.has(id) && hash === REMOVED_MARKER).map(([id]) => id);
    const gone = [...ids, ...confirmed];
    if (gone.length === 0) return;
    this.writeCalls += await writeContentHashes(this.table, this.scope, new Map(), gone);
    for (const id of gone) this.stored.delete(id);
  }
}
