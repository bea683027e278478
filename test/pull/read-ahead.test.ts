// The pull worker's read ahead: the next read runs while the caller works on an item, never more
// than one ahead, a failed read ahead surfaces only when its item is asked for, and a caller that
// stops early leaves nothing running.
import { readAhead } from '../../functions/pull/read-ahead';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A source whose step `i` waits for its gate; it records when each step starts and ends. */
function gatedSource(count: number, events: string[], failAt?: number) {
  const gates = Array.from({ length: count }, gate);
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        events.push(`read ${i}`);
        await gates[i]!.promise;
        if (i === failAt) throw new Error(`read ${i} failed`);
        yield i;
      }
    } finally {
      events.push('closed');
    }
  }
  return { source: source(), gates };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('readAhead', () => {
  it('starts the next read while an item is handled, and never a second one ahead', async () => {
    const events: string[] = [];
    const { source, gates } = gatedSource(3, events);
    gates[0]!.open();
    const ahead = readAhead(source, () => true);
    const first = await ahead.next();
    expect(first.value).toEqual({ value: 0, nextStarted: true });
    await tick();
    // Item 0 is in the caller's hands: read 1 runs, read 2 has not started.
    expect(events).toEqual(['read 0', 'read 1']);
    gates[1]!.open();
    await tick();
    expect(events).toEqual(['read 0', 'read 1']);
    expect((await ahead.next()).value).toEqual({ value: 1, nextStarted: true });
    await tick();
    expect(events).toEqual(['read 0', 'read 1', 'read 2']);
    gates[2]!.open();
    expect((await ahead.next()).value).toEqual({ value: 2, nextStarted: true });
    expect(await ahead.next()).toEqual({ done: true, value: undefined });
    expect(events.at(-1)).toBe('closed');
  });

  it('reads nothing ahead when it may not (short of time)', async () => {
    const events: string[] = [];
    const { source, gates } = gatedSource(2, events);
    for (const g of gates) g.open();
    const ahead = readAhead(source, () => false);
    expect((await ahead.next()).value).toEqual({ value: 0, nextStarted: false });
    await tick();
    expect(events).toEqual(['read 0']);
  });

  it('holds a failed read ahead until its item is asked for', async () => {
    const events: string[] = [];
    const { source, gates } = gatedSource(3, events, 1);
    for (const g of gates) g.open();
    const ahead = readAhead(source, () => true);
    expect((await ahead.next()).value).toEqual({ value: 0, nextStarted: true });
    await tick();
    await tick();
    // The read of 1 has failed by now, but item 0's handling goes on undisturbed.
    await expect(ahead.next()).rejects.toThrow('read 1 failed');
  });

  it('a caller that stops early waits for the read in flight and closes the source', async () => {
    const events: string[] = [];
    const { source, gates } = gatedSource(3, events);
    gates[0]!.open();
    const ahead = readAhead(source, () => true);
    await ahead.next();
    let returned = false;
    const stopping = ahead.return(undefined).then(() => {
      returned = true;
    });
    await tick();
    expect(returned).toBe(false);
    gates[1]!.open();
    await stopping;
    expect(events).toEqual(['read 0', 'read 1', 'closed']);
  });
});
