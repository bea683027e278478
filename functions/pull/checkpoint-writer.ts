// A pull job's fenced checkpoint writes (lease-fence.ts), each running while the next chunk is
// delivered instead of between deliveries: the DynamoDB round trip no longer adds to every page.
// Writes stay in order (one in flight; the next starts after it is written, since a checkpoint never
// moves back within a window). A chunk is delivered beside a write in flight only while the lease the
// last written checkpoint renewed still runs, when no other job can hold the scope; otherwise, or once
// a write has failed, the delivery waits for the write and learns its outcome first. So a job that
// lost its lease still delivers at most the page it was on twice, as with writes awaited in turn.
import { saveFencedCheckpoint, type ScopeFence } from './lease-fence';
import type { SyncCheckpoint } from './state/checkpoint';

export class CheckpointWriter {
  private inFlight: Promise<void> | undefined;
  private failed = false;
  /** The end of the lease as this job last wrote it (at its start, it has just claimed the scope). */
  leasedUntil: number;

  constructor(private readonly fence: ScopeFence) {
    this.leasedUntil = fence.now() + fence.leaseMs;
  }

  /**
   * Starts writing `checkpoint` once the write before it is done (throws that write's failure), and
   * waits for it too when the lease may have run out: the job then learns before it reads on.
   */
  async write(checkpoint: SyncCheckpoint): Promise<void> {
    await this.settle();
    const written = saveFencedCheckpoint(this.fence, checkpoint).then(
      () => {
        this.leasedUntil = Date.parse(checkpoint.savedAt) + this.fence.leaseMs;
      },
      (error: unknown) => {
        this.failed = true;
        throw error;
      },
    );
    // Its failure is thrown to whoever waits for it next (settle), not as an unhandled rejection.
    written.catch(() => undefined);
    this.inFlight = written;
    if (this.fence.now() >= this.leasedUntil) await this.settle();
  }

  /** Before a delivery: waits for the write in flight when the lease may have run out or a write failed. */
  async beforeDelivery(): Promise<void> {
    if (this.inFlight && (this.failed || this.fence.now() >= this.leasedUntil)) await this.settle();
  }

  /** Waits for the write in flight; throws its failure (LeaseLostError when another job holds the scope). */
  async settle(): Promise<void> {
    const written = this.inFlight;
    this.inFlight = undefined;
    await written;
  }

  /** Waits for the write in flight without its outcome: the job is already failing with another error. */
  async drain(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.inFlight = undefined;
  }
}
