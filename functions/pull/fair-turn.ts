// Fair turns between scopes. With a backlog larger than Procore's rate budget, the budget (not the
// workers) is the limit, and a worker that pages one scope until its Lambda runs short of time keeps
// every other scope waiting for minutes. So a job reads at most `pagesPerTurn` list answers per
// turn; at the end of a turn, if other sync jobs wait on the queue, it hands the rest of its window
// to a continuation, which goes to the back of the queue: the scopes take turns at the budget. With
// nobody waiting (one large scope) the job keeps reading and a new turn starts, so a lone pull pays
// one queue-depth look per turn and nothing else.
// The turn ends after the read already started ahead (read-ahead.ts) is delivered: no Procore
// request is read and then thrown away, since every request counts against the budget.

/** List answers per turn by default: a few seconds of paging, short next to a worker's minutes. */
export const DEFAULT_PAGES_PER_TURN = 10;

export interface FairTurnOptions {
  pagesPerTurn: number;
  /** Whether other sync jobs wait on the queue now (asked once per turn). */
  othersWaiting: () => Promise<boolean>;
}

export class FairTurn {
  private pagesThisTurn = 0;
  private ending = false;

  constructor(private readonly options: FairTurnOptions) {}

  /** False once the turn is ending: no read ahead that the continuation would read again. */
  mayReadAhead(): boolean {
    return !this.ending;
  }

  /** Counts one list answer delivered; true once the turn is over and the job should hand over. */
  async passed(): Promise<boolean> {
    if (this.ending) return true;
    this.pagesThisTurn += 1;
    if (this.pagesThisTurn < this.options.pagesPerTurn) return false;
    this.pagesThisTurn = 0;
    this.ending = await this.options.othersWaiting();
    return this.ending;
  }
}
