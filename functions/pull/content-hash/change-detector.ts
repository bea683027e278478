// Change detection for lists Procore gives no updated_at filter (a resource declared with
// `changeDetection: 'content-hash'`): every full listing is compared, record by record, with the
// content hashes the scope delivered before (state/content-hashes.ts). Only records whose hash is
// new or changed are delivered; their hashes are written after their delivery (so a crash
// delivers them again, never loses them). Ids delivered before and absent from a complete listing
// have left the list: the removal pass delivers them as removed and forgets their hashes.
import { integerText } from '../../commons/json/exact-json';
import { readContentHashes, writeContentHashes } from '../state/content-hashes';
import type { SyncTable } from '../state/cursor';
import type { SyncScope } from '../sync-scope';
import { contentHash } from './record-hash';

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
    private readonly idField: string,
    /** A full resync delivers every record, changed or not. */
    private readonly full: boolean,
  ) {}

  static async load(table: SyncTable, scope: SyncScope, options: { idField: string; full: boolean }): Promise<ChangeDetector> {
    return new ChangeDetector(table, scope, await readContentHashes(table, scope), options.idField, options.full);
  }

  /** The records of a page to deliver: new or changed ones (and any the connector cannot read: they go quarantined). */
  changed(records: unknown[]): unknown[] {
    return records.filter((record) => {
      const id = integerText((record as Record<string, unknown> | null)?.[this.idField]);
      if (id === undefined) return true;
      this.seen.add(id);
      const hash = contentHash(record);
      if (this.stored.get(id) === hash) return this.full;
      this.pending.set(id, hash);
      return true;
    });
  }

  /** After the page's records were delivered: keep their hashes. */
  async commit(): Promise<void> {
    if (this.pending.size === 0) return;
    const written = this.pending;
    this.pending = new Map();
    this.writeCalls += await writeContentHashes(this.table, this.scope, written);
    for (const [id, hash] of written) this.stored.set(id, hash);
  }

  /** Ids delivered before that this (complete) listing did not show. */
  removedIds(): string[] {
    return [...this.stored.keys()].filter((id) => !this.seen.has(id));
  }

  /** After their removal envelopes were delivered: forget them. */
  async forget(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.writeCalls += await writeContentHashes(this.table, this.scope, new Map(), ids);
    for (const id of ids) this.stored.delete(id);
  }
}
