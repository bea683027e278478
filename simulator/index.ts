// Public API of the Procore simulator: startSimulator(options) → a running server plus the knobs
// tests turn (clock, tokens, secret, faults, rate limits, latency, data, request log), and the
// origin_id audit of a run's request log.
import { createClock } from './clock';
import { declaredOperations } from '../functions/commons/procore/declared-operations';
import { FaultInjector, type FaultOptions } from './faults';
import { OAuthServer, generateClientId, generateSecret } from './oauth';
import { mulberry32 } from './prng';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { RestApi, type AfterListPage } from './rest';
import { SimulatorServer, type LoggedRequest } from './server';
import { SimStore, type SeedOptions } from './store';
import { DeliveryEngine, type SimDelivery, type WebhookDeliveryOptions } from './webhooks/delivery-engine';
import { HookRegistry, type SimHook } from './webhooks/hooks';
import { WebhooksApi } from './webhooks/hooks-api';

export type { FaultOptions } from './faults';
export type { LoggedRequest } from './server';
export type { RateLimitOptions } from './rate-limit';
export type { SeedOptions } from './store';
export { REMOVAL_ROUTES } from './removal-routes';
export { SimStore } from './store';
export { RESOURCES } from './resources';
export { addGenericResource } from './generic-resources';
export { MAX_BATCH_UPSERT_ITEMS, type AfterListPage, type ListPageServed } from './rest';
export { DeclaredOperations, parseOperations } from '../functions/commons/procore/declared-operations';
export { nestFormFields } from './form-params';
export {
  auditOriginIds,
  describeForeignOriginId,
  originIdAuditLine,
  originIdsOfMessages,
  type ForeignOriginId,
  type OriginIdAudit,
} from './origin-id-audit';
export type { SimDelivery, WebhookDeliveryOptions } from './webhooks/delivery-engine';
export type { WebhookEvent } from './webhooks/event-payload';
export type { SimHook } from './webhooks/hooks';

/** Which pagination headers list answers carry (Procore's docs: do not assume Total is present). */
export interface PaginationHeaderOptions {
  /** `Total`. Default true. */
  total?: boolean;
  /** `Per-Page` (the page size applied). Default true. */
  perPage?: boolean;
  /** `Link` (first/prev/next/last). Default true. */
  link?: boolean;
}

export interface SimulatorOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  maxPerPage?: number;
  pagination?: PaginationHeaderOptions;
  /** Its 429s carry Retry-After only when asked (`rateLimit.retryAfter: true`); X-Rate-Limit-* always. */
  rateLimit?: RateLimitOptions;
  latencyMs?: { min: number; max: number };
  faults?: FaultOptions;
  seed?: number;
  data?: SeedOptions;
  now?: number;
  /** Runs after each list page is served (see setAfterListPage). */
  afterListPage?: AfterListPage;
  /** Webhook deliveries: attempt timeout and sender faults (duplicates, out-of-order, drops). */
  webhooks?: WebhookDeliveryOptions;
}

/** Procore's webhooks as the simulator plays them: hooks made through the API, deliveries it sent. */
export interface SimulatorWebhooks {
  hooks(): SimHook[];
  /** Attempted or given-up deliveries, newest first (all hooks, or one). */
  deliveries(hookId?: number): SimDelivery[];
  /** Resolves once no delivery is in flight or due now (retries due later wait for the clock). */
  settle(maxWaitMs?: number): Promise<void>;
  setOptions(options: WebhookDeliveryOptions | undefined): void;
  /** Whether the app holds the "Webhooks API" tool permission (default true); without it the API answers 403. */
  setPermission(granted: boolean): void;
}

export interface ProcoreSimulator {
  loginUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  clock: { now(): number; advance(ms: number): void; set(epochMs: number): void };
  tokensIssued(): string[];
  invalidateAllTokens(): void;
  rotateClientSecret(newSecret?: string): string;
  setFaults(f: FaultOptions | undefined): void;
  setRateLimit(r: SimulatorOptions['rateLimit']): void;
  setLatency(l: SimulatorOptions['latencyMs']): void;
  setPagination(p: PaginationHeaderOptions | undefined): void;
  /**
   * A callback run after each list page is served, before the next request: change Procore there
   * (store.touch / insert / softDelete / setListOrder ...) to play a list that changes while it is paged.
   */
  setAfterListPage(hook: AfterListPage | undefined): void;
  requests(): LoggedRequest[];
  clearRequests(): void;
  countRequests(filter?: (r: LoggedRequest) => boolean): number;
  store: SimStore;
  webhooks: SimulatorWebhooks;
  close(): Promise<void>;
}

const DEFAULT_SIMULATOR_NOW = Date.parse('2026-01-15T12:00:00Z');

export async function startSimulator(options: SimulatorOptions = {}): Promise<ProcoreSimulator> {
  const seed = options.seed ?? 1;
  const clock = createClock(options.now ?? DEFAULT_SIMULATOR_NOW);
  const oauth = new OAuthServer(clock, options.clientId ?? generateClientId(), options.clientSecret ?? generateSecret(), options.tokenTtlSeconds ?? 5400);
  const store = new SimStore(clock, seed, options.data);
  const rateLimiter = new RateLimiter(options.rateLimit);
  const faults = new FaultInjector(seed, options.faults);
  const maxPerPage = options.maxPerPage ?? 1000;
  let latency = options.latencyMs;
  let pagination = options.pagination;
  let afterListPage = options.afterListPage;
  const log: LoggedRequest[] = [];
  const hooks = new HookRegistry(store.serviceAccount.id);
  const engine = new DeliveryEngine(
    { clock, registry: hooks, serviceAccountUserId: store.serviceAccount.id, random: mulberry32(seed ^ 0x0111d), faultRandom: () => mulberry32(seed ^ 0x400c) },
    options.webhooks,
  );
  store.onChange((change) => engine.report(change));
  const webhooksApi = new WebhooksApi(store, hooks, engine);
  const server = new SimulatorServer({
    clock,
    oauth,
    rateLimiter,
    faults,
    rest: new RestApi(
      store,
      () => maxPerPage,
      () => afterListPage,
      webhooksApi,
    ),
    declared: declaredOperations(),
    pagination: () => ({ total: pagination?.total ?? true, perPage: pagination?.perPage ?? true, link: pagination?.link ?? true }),
    store,
    latency: () => latency,
    latencyRandom: mulberry32(seed ^ 0x1a7e),
    log,
  });
  const port = await server.listen(options.port ?? 0);
  const base = `http://127.0.0.1:${port}`;

  return {
    loginUrl: `${base}/login`,
    apiUrl: `${base}/api`,
    clientId: oauth.clientId,
    get clientSecret() {
      return oauth.secret;
    },
    clock,
    tokensIssued: () => oauth.issued(),
    invalidateAllTokens: () => oauth.invalidateAll(),
    rotateClientSecret: (newSecret) => oauth.rotateSecret(newSecret),
    setFaults: (f) => faults.configure(f),
    setRateLimit: (r) => rateLimiter.configure(r),
    setLatency: (l) => {
      latency = l;
    },
    setPagination: (p) => {
      pagination = p;
    },
    setAfterListPage: (hook) => {
      afterListPage = hook;
    },
    requests: () => log.map((r) => ({ ...r })),
    clearRequests: () => {
      log.length = 0;
    },
    countRequests: (filter) => (filter ? log.filter(filter).length : log.length),
    store,
    webhooks: {
      hooks: () => hooks.list(),
      deliveries: (hookId) => engine.deliveries(hookId),
      settle: (maxWaitMs) => engine.settle(maxWaitMs),
      setOptions: (o) => engine.configure(o ?? {}),
      setPermission: (granted) => {
        webhooksApi.permissionGranted = granted;
      },
    },
    close: async () => {
      engine.close();
      await server.close();
    },
  };
}
