// Pipelining for the pull worker: while the caller delivers one chunk of a window walk, the walk
// already reads the next one, so Procore time and SQS time overlap instead of adding up. Bounded to
// one read ahead: the walk is a generator, so a read ahead is simply its next step started early;
// it never runs further than that, and what the caller does with a chunk (deliver, checkpoint) is
// still done in order, each checkpoint after its chunk's delivery.

export interface AheadItem<T> {
  value: T;
  /** The next item is already being read: the caller gets it without a new read being started. */
  nextStarted: boolean;
}

/**
 * Iterates `source`, starting the next step as soon as an item is handed out, when `mayStart()`
 * says so (false when a read started now could be wasted: short of time, a lease that may be gone).
 * A read ahead that fails is reported when the caller asks for that item, never before (its error
 * is held, not thrown into the delivery of the item before). A caller that stops early waits for the
 * read in flight and closes the source, so nothing runs after it returns.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, mayStart: () => boolean): AsyncGenerator<AheadItem<T>> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let finished = false;
  try {
    for (;;) {
      const step = await (pending ?? iterator.next());
      pending = undefined;
      if (step.done) {
        finished = true;
        return;
      }
      if (mayStart()) {
        pending = iterator.next();
        // Held for the caller's next request; a caller that stops first never sees it.
        pending.catch(() => undefined);
      }
      yield { value: step.value, nextStarted: pending !== undefined };
    }
  } finally {
    if (!finished) {
      await pending?.catch(() => undefined);
      await iterator.return?.(undefined);
    }
  }
}
