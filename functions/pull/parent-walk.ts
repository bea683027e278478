// Lists Procore serves only under a parent record (budget view detail rows under each budget view,
// change order requests under each prime contract: ResourceDefinition.parent) are read per parent:
// the scope's parents are listed first (whole, paged, ids ascending), then the window is walked once
// per parent, as one stream of chunks. A chunk's `next` names the parent it belongs to, so a
// checkpoint resumes inside the right parent's list; a parent that is gone by then is skipped.
import type { WindowChunk, WindowPosition } from './window-walk';

/** Where a walk over parents stands: the window position inside the list of `parentId`. */
export type ParentPosition = WindowPosition & { parentId?: number };

/** A chunk of one parent's list (`parentId`); `next` may point into the next parent's. */
export type ParentChunk<T> = Omit<WindowChunk<T>, 'next'> & { next: ParentPosition | undefined; parentId?: number };

/** The parents' ids, ascending and once each (a record without a numeric id is not a parent). */
export function parentIds(records: readonly unknown[]): number[] {
  const ids = records.map((record) => (record as { id?: unknown } | null)?.id).filter((id): id is number => typeof id === 'number');
  return [...new Set(ids)].sort((a, b) => a - b);
}

/**
 * Walks `walk(parentId, position)` for each parent from where `position` stands. A parent's last
 * chunk points at the next parent's start (`windowStart`, page 1), the last parent's at nothing.
 */
export async function* walkPerParent<T>(
  parents: readonly number[],
  position: ParentPosition | undefined,
  windowStart: string,
  walk: (parentId: number, position: WindowPosition | undefined) => AsyncGenerator<WindowChunk<T>>,
): AsyncGenerator<ParentChunk<T>> {
  const resumeAt = position?.parentId;
  const remaining = resumeAt === undefined ? parents : parents.filter((id) => id >= resumeAt);
  for (const [index, parentId] of remaining.entries()) {
    const { parentId: _saved, ...inside } = position ?? { from: windowStart, page: 1 };
    const following = remaining[index + 1];
    for await (const chunk of walk(parentId, parentId === resumeAt ? inside : undefined)) {
      if (chunk.next) yield { ...chunk, parentId, next: { ...chunk.next, parentId } };
      else yield { ...chunk, parentId, next: following === undefined ? undefined : { from: windowStart, page: 1, parentId: following } };
    }
  }
}
