// Procore's side of webhook delivery: every change the store reports becomes one event, and one
// delivery per hook whose triggers match it. Deliveries of a hook go out one at a time, in order, as
// an HTTPS POST of the event with the hook's destination headers; the answer must be a 2xx within
// 5 s. A failure pauses the hook's deliveries and retries with exponential back-off from 1 s up to
// 1 h; after 12 h of failures the hook's queue is flushed and its events marked discarded; the next
// new event starts afresh (procore/documentation plan_your_app/webhooks.md, "Reliability and
// Retries"). Waits run on the simulator's movable clock: a test advances it instead of waiting.
import type { SimClock } from '../clock';
import type { Random } from '../prng';
import type { StoreChange } from '../store';
import { drawDeliveryFault, type DeliveryFaultOptions } from './delivery-faults';
import { buildEvent, type WebhookEvent } from './event-payload';
import type { HookRegistry, SimHook } from './hooks';
import { WEBHOOK_RESOURCES } from './resource-names';

const DELIVERY_TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60 * 60_000;
const GIVE_UP_AFTER_MS = 12 * 60 * 60_000;
/**
 * An out-of-order delivery waits until a later delivery of its hook went out (any later one waiting
 * goes first, however long the hook's backlog), or this long on the simulator clock when none
 * follows (a test advances the clock past it).
 */
const HOLD_MS = 60_000;
const MAX_KEPT_BODY = 1_000;

export interface WebhookDeliveryOptions {
  /** Per attempt (real time). Default 5 s, Procore's. */
  timeoutMs?: number;
  faults?: DeliveryFaultOptions;
}

export interface DeliveryAttempt {
  startedAt: number;
  completedAt: number;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  error?: string;
}

export interface SimDelivery {
  id: number;
  hookId: number;
  event: WebhookEvent;
  /** ok: accepted; retried: the last attempt failed and another is due; discarded: given up (or dropped). */
  outcome: 'queued' | 'ok' | 'retried' | 'discarded';
  attempts: DeliveryAttempt[];
  duplicate: boolean;
  /** Drawn as out of order: held back until a later delivery of the hook went out (kept after release). */
  heldBack: boolean;
  /** Still held back: until a later delivery of the hook went out, or until this time. */
  holdUntil?: number;
  /** 1-based order of its first attempt among all deliveries the engine sent (compare within a hook). */
  sentSeq?: number;
}

interface HookQueue {
  pending: SimDelivery[];
  inFlight: boolean;
  failingSince?: number;
  backoffMs: number;
  nextAttemptAt: number;
}

export interface DeliveryEngineDeps {
  clock: SimClock;
  registry: HookRegistry;
  serviceAccountUserId: number;
  random: Random;
  faultRandom: () => Random;
}

export class DeliveryEngine {
  private nextEventId = 2 ** 32 + 9_000_000;
  private nextDeliveryId = 2 ** 32 + 7_000_000;
  private sent = 0;
  private readonly all: SimDelivery[] = [];
  private readonly queues = new Map<number, HookQueue>();
  private readonly stop = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private options: WebhookDeliveryOptions;
  private faultRandom: Random;

  constructor(
    private readonly deps: DeliveryEngineDeps,
    options: WebhookDeliveryOptions = {},
  ) {
    this.options = options;
    this.faultRandom = deps.faultRandom();
    this.timer = setInterval(() => this.tick(), 10);
    this.timer.unref();
  }

  /** Replacing the options restarts the fault PRNG, so a test's sequence does not depend on earlier ones. */
  configure(options: WebhookDeliveryOptions): void {
    this.options = options;
    this.faultRandom = this.deps.faultRandom();
  }

  /** A change the store made: one event, one delivery per matching hook. */
  report(change: StoreChange): void {
    // A generic resource (generic-resources.ts) has no webhook resource: no events.
    const resourceName = WEBHOOK_RESOURCES[change.resource]?.name;
    if (resourceName === undefined) return;
    const hooks = this.deps.registry.matching({ ...change, resourceName });
    if (hooks.length === 0) return;
    const event = buildEvent(change, { eventId: this.nextEventId++, serviceAccountUserId: this.deps.serviceAccountUserId, random: this.deps.random });
    for (const hook of hooks) this.enqueue(hook, event);
  }

  /** Deliveries of a hook that were attempted or given up, newest first. */
  deliveries(hookId?: number): SimDelivery[] {
    return this.all.filter((d) => (hookId === undefined || d.hookId === hookId) && d.outcome !== 'queued').sort((a, b) => b.id - a.id);
  }

  /** Resolves once nothing is in flight and nothing is due now (later retries wait for the clock). */
  async settle(maxWaitMs = 15_000): Promise<void> {
    const until = Date.now() + maxWaitMs;
    while (Date.now() < until) {
      if (!this.busy()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`webhook deliveries still busy after ${maxWaitMs} ms`);
  }

  close(): void {
    clearInterval(this.timer);
    this.stop.abort();
  }

  private enqueue(hook: SimHook, event: WebhookEvent): void {
    const fault = drawDeliveryFault(this.faultRandom, this.options.faults);
    const delivery: SimDelivery = {
      id: this.nextDeliveryId++,
      hookId: hook.id,
      event,
      outcome: 'queued',
      attempts: [],
      duplicate: fault === 'duplicate',
      heldBack: fault === 'out-of-order',
    };
    this.all.push(delivery);
    if (fault === 'drop') {
      delivery.outcome = 'discarded';
      return;
    }
    if (fault === 'out-of-order') delivery.holdUntil = this.deps.clock.now() + HOLD_MS;
    this.queueOf(hook.id).pending.push(delivery);
  }

  private queueOf(hookId: number): HookQueue {
    let queue = this.queues.get(hookId);
    if (!queue) {
      queue = { pending: [], inFlight: false, backoffMs: 0, nextAttemptAt: 0 };
      this.queues.set(hookId, queue);
    }
    return queue;
  }

  private busy(): boolean {
    const now = this.deps.clock.now();
    return [...this.queues.values()].some((q) => q.inFlight || (now >= q.nextAttemptAt && q.pending.some((d) => (d.holdUntil ?? 0) <= now)));
  }

  private tick(): void {
    const now = this.deps.clock.now();
    for (const [hookId, queue] of this.queues) {
      if (queue.inFlight) continue;
      const hook = this.deps.registry.get(hookId);
      const gaveUp = queue.failingSince !== undefined && now - queue.failingSince >= GIVE_UP_AFTER_MS;
      if (!hook || gaveUp) {
        this.flush(queue);
        continue;
      }
      if (now < queue.nextAttemptAt) continue;
      // Any delivery not held back goes before a held one, so a held delivery with anything behind it
      // is overtaken even when the hook's backlog outlasted its hold.
      const next = queue.pending.find((d) => d.holdUntil === undefined) ?? queue.pending.find((d) => (d.holdUntil ?? 0) <= now);
      if (!next) continue;
      queue.inFlight = true;
      // The next due delivery goes out as soon as this one is answered, not at the next tick.
      void this.attempt(hook, queue, next).finally(() => {
        queue.inFlight = false;
        if (!this.stop.signal.aborted) this.tick();
      });
    }
  }

  /** 12 h of failures (or the hook is gone): every queued event is discarded; the next one starts afresh. */
  private flush(queue: HookQueue): void {
    for (const delivery of queue.pending) delivery.outcome = 'discarded';
    queue.pending = [];
    delete queue.failingSince;
    queue.backoffMs = 0;
    queue.nextAttemptAt = 0;
  }

  private async attempt(hook: SimHook, queue: HookQueue, delivery: SimDelivery): Promise<void> {
    delivery.sentSeq ??= ++this.sent;
    const attempt = await this.post(hook, delivery.event);
    delivery.attempts.push(attempt);
    if (this.stop.signal.aborted) return;
    const ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
    if (!ok) {
      delivery.outcome = 'retried';
      queue.failingSince ??= attempt.startedAt;
      queue.backoffMs = queue.backoffMs === 0 ? FIRST_RETRY_MS : Math.min(queue.backoffMs * 2, MAX_RETRY_MS);
      queue.nextAttemptAt = this.deps.clock.now() + queue.backoffMs;
      return;
    }
    delivery.outcome = 'ok';
    // Deliveries held back for this one to overtake them go next.
    for (const held of queue.pending) if (held.id < delivery.id) delete held.holdUntil;
    queue.pending = queue.pending.filter((d) => d !== delivery);
    delete queue.failingSince;
    queue.backoffMs = 0;
    queue.nextAttemptAt = 0;
    if (delivery.duplicate) delivery.attempts.push(await this.post(hook, delivery.event));
  }

  private async post(hook: SimHook, event: WebhookEvent): Promise<DeliveryAttempt> {
    const startedAt = this.deps.clock.now();
    const timeoutMs = this.options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    try {
      const res = await fetch(hook.destinationUrl, {
        method: 'POST',
        headers: { ...hook.destinationHeaders, 'content-type': 'application/json', 'user-agent': 'Procore-Webhooks-Simulator' },
        body: JSON.stringify(event),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stop.signal]),
      });
      const body = (await res.text()).slice(0, MAX_KEPT_BODY);
      return { startedAt, completedAt: this.deps.clock.now(), status: res.status, headers: Object.fromEntries(res.headers), body };
    } catch (error) {
      // Duck-typed: the abort's DOMException is not an Error of every realm (e.g. under jest).
      const { name, message, cause } = error as { name?: string; message?: string; cause?: { message?: string } };
      const detail = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.message ?? message ?? String(error));
      return { startedAt, completedAt: this.deps.clock.now(), error: detail };
    }
  }
}
