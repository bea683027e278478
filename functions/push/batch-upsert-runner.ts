// Runs a batch's upsert groups under the same per-message idempotency as single messages: every
// member enters its own idempotent call (a message already applied returns its saved result and
// stays out; one in progress elsewhere fails transiently), then the members that entered go to
// Procore together and each idempotent call finishes with its own item's outcome.
import type { PushMessage } from '../commons/contracts/push-message';
import { checkAddress } from './address';
import { applyBatchUpserts, type BatchUpsertMember, type BatchUpsertOutcome } from './batch-upsert';
import type { AppliedTarget, ApplyDeps } from './push-write';

/** Runs `work` at most once in effect per message id (Powertools makeIdempotent around it). */
export type IdempotentRun = (message: PushMessage, work: () => Promise<AppliedTarget>) => Promise<AppliedTarget>;

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export class BatchUpsertRunner {
  private readonly memberGroup = new Map<string, string>();
  private readonly started = new Map<string, Map<string, Promise<AppliedTarget>>>();

  private readonly groups = new Map<string, BatchUpsertMember[]>();

  constructor(
    groups: Map<string, BatchUpsertMember[]>,
    private readonly deps: ApplyDeps & { runIdempotent: IdempotentRun },
    private readonly deadline: number,
  ) {
    this.add(groups);
  }

  /** More groups (a FIFO batch's next round); a group key is never reused. */
  add(groups: Map<string, BatchUpsertMember[]>): void {
    for (const [groupKey, members] of groups) {
      this.groups.set(groupKey, members);
      for (const member of members) this.memberGroup.set(member.key, groupKey);
    }
  }

  has(memberKey: string): boolean {
    return this.memberGroup.has(memberKey);
  }

  /** The member's outcome; the first member asked for starts its whole group. */
  outcome(memberKey: string): Promise<AppliedTarget> {
    const groupKey = this.memberGroup.get(memberKey);
    if (groupKey === undefined) throw new Error(`message ${memberKey} is in no batch upsert group`);
    let runs = this.started.get(groupKey);
    if (!runs) {
      runs = this.start(this.groups.get(groupKey) ?? []);
      this.started.set(groupKey, runs);
    }
    return runs.get(memberKey)!;
  }

  private start(members: BatchUpsertMember[]): Map<string, Promise<AppliedTarget>> {
    const results = deferred<Map<string, BatchUpsertOutcome>>();
    const runs = members.map((member) => {
      const entered = deferred<boolean>();
      const run = this.deps.runIdempotent(member.message, async () => {
        // A member naming two records stays out of the call (it fails alone, with its reason).
        await checkAddress(this.deps, member);
        entered.resolve(true);
        const outcome = (await results.promise).get(member.key);
        if (!outcome) throw new Error(`sync left message ${member.key} without an outcome`);
        if (!outcome.ok) throw outcome.error;
        return outcome.target;
      });
      // Settling without entering: already applied (saved result), in progress elsewhere, or the
      // idempotency store failed. Attaching here also keeps a rejection from going unhandled.
      run.then(
        () => entered.resolve(false),
        () => entered.resolve(false),
      );
      return { member, entered: entered.promise, run };
    });
    void Promise.all(runs.map((r) => r.entered)).then(async (flags) => {
      const live = runs.filter((_, i) => flags[i]).map((r) => r.member);
      try {
        results.resolve(live.length > 0 ? await applyBatchUpserts(this.deps, live, this.deadline) : new Map());
      } catch (error) {
        results.resolve(new Map(live.map((m) => [m.key, { ok: false, error } as const])));
      }
    });
    return new Map(runs.map((r) => [r.member.key, r.run]));
  }
}
