// In-memory Procore data: companies, projects (with the app's permitted flag) and resource records.
// Ids start above 2^32 so an int32 bug in a client shows up, and stay far below 2^53.
import { toProcoreTime, truncateToSecond, type SimClock } from './clock';
import { mulberry32, pick } from './prng';
import { RESOURCES, SIM_RESOURCE_NAMES, simResource, type ResourceDefinition, type SimResourceName } from './resources';

export interface SeedOptions {
  companies?: number;
  projectsPerCompany?: number;
  recordsPerResource?: number;
  resources?: string[];
  updatedAtSpreadDays?: number;
  /** Per installed company, how many of its projects are NOT permitted (the last ones). Default 0. */
  notPermittedPerCompany?: number;
}

export interface SimCompany {
  id: number;
  name: string;
  installed: boolean;
}

export interface SimProject {
  id: number;
  companyId: number;
  name: string;
  permitted: boolean;
  deleted: boolean;
  /** false once the project is closed (Procore's status Inactive). */
  active: boolean;
}

/** How a record left its resource's default list (see simResource(...).removal). */
export type RemovalKind = 'recycled' | 'deleted' | 'inactive';

export interface RemovedRecord {
  resource: SimResourceName;
  id: number;
  companyId: number;
  projectId?: number;
  how: RemovalKind;
}

export interface ListFilter {
  /** Soft-deleted records: hidden (default), included, or the only ones. */
  deleted?: 'hide' | 'with' | 'only';
  /** Inclusive updated_at bounds, epoch ms. */
  updatedFrom?: number;
  updatedTo?: number;
  originId?: string;
  /** Resources with an active flag (projects, vendors, users): which records. Default active only,
   * as Procore's default lists. */
  activity?: 'active' | 'inactive' | 'all';
}

export interface Scope {
  companyId: number;
  projectId?: number;
}

/** One create, update or delete the store made (what Procore's webhooks report; see simulator/webhooks). */
export interface StoreChange {
  resource: SimResourceName;
  id: number;
  companyId: number;
  projectId?: number;
  eventType: 'create' | 'update' | 'delete';
  at: number;
  /** The OAuth client id behind the API call that made the change; undefined for changes made in Procore itself. */
  applicationId?: string;
}

export type StoreChangeListener = (change: StoreChange) => void;

/** Orders two records of a list, as Array.prototype.sort takes it. */
export type ListOrder = (a: RecordJson, b: RecordJson) => number;

/** What a list shows for one record instead of the record (any JSON value). */
export type RecordRendering = (record: RecordJson) => unknown;

/** A record as the API returns it. */
export type RecordJson = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

interface StoredRecord {
  resource: SimResourceName;
  id: number;
  companyId: number;
  projectId?: number;
  createdAt: number;
  updatedAt: number;
  deletedAt?: number;
  fields: Record<string, unknown>;
}

const FIRST_ID = 2 ** 32 + 1_000;
const DAY_MS = 86_400_000;
const SERVICE_ACCOUNT_USER_ID = 2 ** 32 + 7;

export class SimStore {
  private nextId = FIRST_ID;
  private companyList: SimCompany[] = [];
  private readonly permitted = new Map<number, boolean>();
  private readonly records = new Map<SimResourceName, Map<number, StoredRecord>>();
  private readonly listOrders = new Map<SimResourceName, ListOrder>();
  private readonly renderings = new Map<string, RecordRendering>();
  private readonly changeListeners: StoreChangeListener[] = [];
  /** Seeding writes the starting data: no one changed anything, so nothing is reported. */
  private seeding = false;
  /** The application making the current API call (set by the REST layer around one request). */
  private actor: string | undefined;

  constructor(
    private readonly clock: SimClock,
    private readonly seedNumber: number,
    private seedOptions: SeedOptions = {},
  ) {
    this.seed(seedOptions);
  }

  /** The user behind the service account (GET /rest/v1.0/me). */
  readonly serviceAccount = { id: SERVICE_ACCOUNT_USER_ID, login: 'dmsa-connector@service-account.procore.example', name: 'Connector Service Account' };

  // --- change reports (webhooks) --------------------------------------------------------------

  /** Calls `listener` after every create, update and delete (not for seeded data). */
  onChange(listener: StoreChangeListener): void {
    this.changeListeners.push(listener);
  }

  /** Runs `work` as an API call of `applicationId`: the changes it makes name that application. */
  asApplication<T>(applicationId: string | undefined, work: () => T): T {
    const previous = this.actor;
    this.actor = applicationId;
    try {
      return work();
    } finally {
      this.actor = previous;
    }
  }

  private changed(r: StoredRecord, eventType: StoreChange['eventType'], at: number): void {
    if (this.seeding) return;
    const change: StoreChange = { resource: r.resource, id: r.id, companyId: r.companyId, eventType, at };
    if (r.projectId !== undefined) change.projectId = r.projectId;
    if (this.actor !== undefined) change.applicationId = this.actor;
    for (const listener of this.changeListeners) listener(change);
  }

  // --- companies and projects -------------------------------------------------------------

  companies(): SimCompany[] {
    return this.companyList.map((c) => ({ ...c }));
  }

  company(id: number): SimCompany | undefined {
    const c = this.companyList.find((x) => x.id === id);
    return c && { ...c };
  }

  addCompany(name: string, installed = true): SimCompany {
    const company = { id: this.newId(), name, installed };
    this.companyList.push(company);
    return { ...company };
  }

  setInstalled(companyId: number, installed: boolean): void {
    const c = this.companyList.find((x) => x.id === companyId);
    if (!c) throw new Error(`no company ${companyId}`);
    c.installed = installed;
  }

  projects(companyId: number): SimProject[] {
    return this.all('projects')
      .filter((r) => r.companyId === companyId)
      .map((r) => this.projectInfo(r));
  }

  project(projectId: number): SimProject | undefined {
    const r = this.table('projects').get(projectId);
    return r && this.projectInfo(r);
  }

  /**
   * Which projects the project list shows the app. Procore's docs do not say whether a project the
   * app is not permitted in is listed (an app with company-level Portfolio access may see it):
   * "permitted" (default) lists permitted projects only; "all" lists every project of the company,
   * while the tools of a project that is not permitted still answer 403.
   */
  projectListing: 'permitted' | 'all' = 'permitted';

  /** Whether the project list shows this project to the app (see projectListing). */
  projectListed(projectId: number): boolean {
    const project = this.project(projectId);
    return project !== undefined && (this.projectListing === 'all' || project.permitted);
  }

  setProjectPermitted(companyId: number, projectId: number, permitted: boolean): void {
    const r = this.table('projects').get(projectId);
    if (!r || r.companyId !== companyId) throw new Error(`no project ${projectId} in company ${companyId}`);
    this.permitted.set(projectId, permitted);
  }

  // --- records ----------------------------------------------------------------------------

  /** Records in a scope, ordered by id. Deleted ones only with includeDeleted. */
  list(resource: string, scope: Scope, opts: { includeDeleted?: boolean } = {}): RecordJson[] {
    return this.inScope(resource, scope)
      .filter((r) => opts.includeDeleted || r.deletedAt === undefined)
      .map((r) => this.toJson(r));
  }

  /**
   * Ids of the records in a scope that pass the list filters, in id order. Filtering happens on the
   * stored records so a page only renders its own records (lists of tens of thousands stay fast).
   */
  query(resource: string, scope: Scope, filter: ListFilter = {}): number[] {
    const deleted = filter.deleted ?? 'hide';
    const activity = filter.activity ?? 'active';
    const ids: number[] = [];
    for (const r of this.table(resource).values()) {
      if (r.companyId !== scope.companyId || (scope.projectId !== undefined && r.projectId !== scope.projectId)) continue;
      const isDeleted = r.deletedAt !== undefined;
      if ((deleted === 'hide' && isDeleted) || (deleted === 'only' && !isDeleted)) continue;
      const inactive = isInactive(r);
      if ((activity === 'active' && inactive) || (activity === 'inactive' && !inactive)) continue;
      if (filter.updatedFrom !== undefined && r.updatedAt < filter.updatedFrom) continue;
      if (filter.updatedTo !== undefined && r.updatedAt > filter.updatedTo) continue;
      if (filter.originId !== undefined && String(r.fields.origin_id ?? '') !== filter.originId) continue;
      ids.push(r.id);
    }
    return ids;
  }

  // --- how lists answer: order and rendering (tests of a list that changes while it is paged) ----

  /**
   * The order the resource's lists answer in from now on; undefined: by id (the default). Procore does
   * not document its lists' order, so tests change it, e.g. between two page reads.
   */
  setListOrder(resource: string, order: ListOrder | undefined): void {
    const name = this.resourceName(resource);
    if (order) this.listOrders.set(name, order);
    else this.listOrders.delete(name);
  }

  /** A seeded random order of the resource's records (records created later come last, by id). */
  shuffleListOrder(resource: string, seed: number): void {
    const random = mulberry32(seed);
    const rank = new Map([...this.table(resource).keys()].map((id) => [id, random()]));
    this.setListOrder(resource, (a, b) => (rank.get(a.id) ?? 2 + a.id / 2 ** 53) - (rank.get(b.id) ?? 2 + b.id / 2 ** 53));
  }

  /** Ids in the order the resource's lists answer. */
  inListOrder(resource: string, ids: number[]): number[] {
    const order = this.listOrders.get(this.resourceName(resource));
    if (!order) return ids;
    const rows = ids.map((id) => this.get(resource, id)!);
    return rows.sort(order).map((row) => row.id);
  }

  /**
   * How one record renders in lists from now on (undefined: as stored). Lets a test serve what a
   * client must survive: a record without an id or updated_at, a non-object, an id beyond 2^53
   * (return `JSON.rawJSON('...')` for it: the simulator writes it as those exact digits).
   */
  setRendering(resource: string, id: number, render: RecordRendering | undefined): void {
    const key = `${this.resourceName(resource)}#${id}`;
    if (render) this.renderings.set(key, render);
    else this.renderings.delete(key);
  }

  /** The record as a list shows it (its rendering, if a test set one). */
  rendered(resource: string, record: Record<string, unknown> & { id: number }): unknown {
    const render = this.renderings.get(`${this.resourceName(resource)}#${record.id}`);
    return render ? render(record as RecordJson) : record;
  }

  get(resource: string, id: number): RecordJson | undefined {
    const r = this.table(resource).get(id);
    return r && this.toJson(r);
  }

  /** Where a record lives (for the REST layer's scope checks). */
  scopeOf(resource: string, id: number): (Scope & { deleted: boolean }) | undefined {
    const r = this.table(resource).get(id);
    return r && { companyId: r.companyId, projectId: r.projectId, deleted: r.deletedAt !== undefined };
  }

  insert(resource: string, scope: Scope, fields: Record<string, unknown>, at = this.clock.now()): RecordJson {
    const name = this.resourceName(resource);
    const def = simResource(name);
    if (def.scope === 'project' && scope.projectId === undefined) throw new Error(`${name} needs a projectId`);
    const t = truncateToSecond(at);
    const record: StoredRecord = {
      resource: name,
      id: this.newId(),
      companyId: scope.companyId,
      projectId: def.scope === 'project' ? scope.projectId : undefined,
      createdAt: t,
      updatedAt: t,
      fields: stripReserved(fields),
    };
    this.table(name).set(record.id, record);
    if (name === 'projects') this.permitted.set(record.id, true); // the app created it: it sees it
    this.changed(record, 'create', t);
    return this.toJson(record);
  }

  /** Merges fields into a record and bumps updated_at. */
  update(resource: string, id: number, fields: Record<string, unknown>, at = this.clock.now()): RecordJson {
    const r = this.mustGet(resource, id);
    r.fields = { ...r.fields, ...stripReserved(fields) };
    r.updatedAt = truncateToSecond(at);
    this.changed(r, 'update', r.updatedAt);
    return this.toJson(r);
  }

  /** Bumps updated_at (to the clock's now by default) as if someone edited the records in Procore. */
  touch(resource: string, ids: number[], at = this.clock.now()): void {
    for (const id of ids) {
      const r = this.mustGet(resource, id);
      r.updatedAt = truncateToSecond(at);
      this.changed(r, 'update', r.updatedAt);
    }
  }

  softDelete(resource: string, id: number, at = this.clock.now()): void {
    const r = this.mustGet(resource, id);
    r.deletedAt = truncateToSecond(at);
    r.updatedAt = r.deletedAt;
    this.changed(r, 'delete', r.deletedAt);
  }

  // --- removals: what Procore's users do to take a record out of its default list ----------------

  /** Moves a record to its tool's recycle bin (RFIs, submittals, observations); updated_at moves. */
  recycle(resource: string, id: number, at = this.clock.now()): void {
    this.expectRemoval(resource, 'recycle-bin', 'recycled');
    this.softDelete(resource, id, at);
  }

  /** Deletes a record that Procore lists with `filters[include_deleted]` (work order contracts). */
  deleteRecord(resource: string, id: number, at = this.clock.now()): void {
    this.expectRemoval(resource, 'include-deleted', 'deleted');
    this.softDelete(resource, id, at);
  }

  /** Takes a record out of the recycle bin (or undeletes it): it is live again, updated now. */
  restore(resource: string, id: number, at = this.clock.now()): void {
    const r = this.mustGet(resource, id);
    delete r.deletedAt;
    r.updatedAt = truncateToSecond(at);
    this.changed(r, 'update', r.updatedAt);
  }

  /** Deactivates a vendor or company user: it leaves the list for the inactive list. */
  deactivate(resource: string, id: number, at = this.clock.now()): void {
    this.setActive(this.expectRemoval(resource, 'inactive-list', 'deactivated'), id, false, at);
  }

  reactivate(resource: string, id: number, at = this.clock.now()): void {
    this.setActive(this.expectRemoval(resource, 'inactive-list', 'reactivated'), id, true, at);
  }

  /** Closes a project (status Inactive): Procore's project list shows it only with filters[by_status]. */
  closeProject(projectId: number, at = this.clock.now()): void {
    this.setActive('projects', projectId, false, at);
  }

  reopenProject(projectId: number, at = this.clock.now()): void {
    this.setActive('projects', projectId, true, at);
  }

  /** Every record out of its default list (recycled, deleted, inactive), in id order. */
  removed(resource: string): RemovedRecord[] {
    const out: RemovedRecord[] = [];
    for (const r of this.all(resource)) {
      const how: RemovalKind | undefined =
        r.deletedAt !== undefined ? (simResource(r.resource).removal === 'recycle-bin' ? 'recycled' : 'deleted') : isInactive(r) ? 'inactive' : undefined;
      if (how) out.push({ resource: r.resource, id: r.id, companyId: r.companyId, ...(r.projectId === undefined ? {} : { projectId: r.projectId }), how });
    }
    return out;
  }

  /** Live (not deleted) records, in a scope or overall. */
  count(resource: string, scope?: Scope): number {
    const rows = scope ? this.inScope(resource, scope) : this.all(resource);
    return rows.filter((r) => r.deletedAt === undefined).length;
  }

  /** Another live record of the resource in the company with this origin_id, if any. */
  findByOriginId(resource: string, companyId: number, originId: unknown, exceptId?: number): RecordJson | undefined {
    if (originId === undefined || originId === null || originId === '') return undefined;
    for (const r of this.table(resource).values()) {
      const match = r.companyId === companyId && r.deletedAt === undefined && r.id !== exceptId && String(r.fields.origin_id ?? '') === String(originId);
      if (match) return this.toJson(r);
    }
    return undefined;
  }

  /** Drops everything and seeds again (same seed → same data, ids and timestamps relative to now). */
  reset(options: SeedOptions = this.seedOptions): void {
    this.seed(options);
  }

  seed(options: SeedOptions = {}): void {
    this.seeding = true;
    try {
      this.seedData(options);
    } finally {
      this.seeding = false;
    }
  }

  private seedData(options: SeedOptions): void {
    this.seedOptions = options;
    this.nextId = FIRST_ID;
    this.companyList = [];
    this.permitted.clear();
    this.records.clear();
    this.listOrders.clear();
    this.renderings.clear();
    const random = mulberry32(this.seedNumber);
    const now = this.clock.now();
    const spreadMs = (options.updatedAtSpreadDays ?? 365) * DAY_MS;
    const perResource = options.recordsPerResource ?? 25;
    const wanted = withRelated((options.resources ?? SIM_RESOURCE_NAMES).map((n) => this.resourceName(n)));
    const companyCount = options.companies ?? 2;
    const times = () => {
      const created = now - random() * spreadMs;
      return { created, updated: created + random() * (now - created) };
    };
    for (let c = 0; c <= companyCount; c++) {
      const installed = c < companyCount; // the last company never installed the app
      const company = this.addCompany(
        installed ? `${pick(random, ['Summit', 'Harbor', 'Granite', 'Cedar'])} Builders ${c + 1}` : 'Uninstalled Construction Co',
        installed,
      );
      const userIds: number[] = [];
      const fakeBase = { random, companyId: company.id, companyName: company.name, userIds };
      const seedRecords = (resource: SimResourceName, scope: Scope) => {
        const related = simResource(resource).related;
        const relatedIds = related === undefined ? [] : this.inScope(related, scope).map((r) => r.id);
        for (let i = 1; i <= (simResource(resource).seedCount ?? perResource); i++) {
          const t = times();
          const context = { ...fakeBase, index: i, projectId: scope.projectId, relatedIds };
          const rec = this.insert(resource, scope, simResource(resource).fake(context), t.created);
          this.table(resource).get(rec.id)!.updatedAt = truncateToSecond(t.updated);
          if (resource === 'company_users') userIds.push(rec.id);
        }
      };
      // Users first: RFIs point at them as RFI managers.
      if (wanted.includes('company_users')) seedRecords('company_users', { companyId: company.id });
      if (userIds.length === 0) userIds.push(SERVICE_ACCOUNT_USER_ID);
      if (wanted.includes('vendors')) seedRecords('vendors', { companyId: company.id });
      // Other company-level resources (standard cost code lists and their codes, generic ones a test
      // added: generic-resources.ts); projects, and company records that point at projects, below.
      for (const resource of wanted) {
        const seededApart = ['projects', 'company_users', 'vendors'].includes(resource) || simResource(resource).related === 'projects';
        if (!seededApart && simResource(resource).scope === 'company') seedRecords(resource, { companyId: company.id });
      }
      const projectCount = options.projectsPerCompany ?? 3;
      const notPermitted = installed ? (options.notPermittedPerCompany ?? 0) : 0;
      for (let p = 1; p <= projectCount; p++) {
        const t = times();
        const project = this.insert('projects', { companyId: company.id }, RESOURCES.projects.fake({ ...fakeBase, index: p }), t.created);
        this.table('projects').get(project.id)!.updatedAt = truncateToSecond(t.updated);
        this.permitted.set(project.id, p <= projectCount - notPermitted);
        for (const resource of wanted) {
          if (simResource(resource).scope === 'project') seedRecords(resource, { companyId: company.id, projectId: project.id });
        }
      }
      // Company records that point at projects (timecard entries), once the projects are there.
      for (const resource of wanted) {
        if (simResource(resource).scope === 'company' && simResource(resource).related === 'projects') seedRecords(resource, { companyId: company.id });
      }
    }
  }

  // --- internals --------------------------------------------------------------------------

  private newId(): number {
    return this.nextId++;
  }

  private resourceName(resource: string): SimResourceName {
    if (!Object.hasOwn(RESOURCES, resource)) {
      throw new Error(`unknown resource ${JSON.stringify(resource)}; known: ${Object.keys(RESOURCES).join(', ')}`);
    }
    return resource;
  }

  private table(resource: string): Map<number, StoredRecord> {
    const name = this.resourceName(resource);
    let t = this.records.get(name);
    if (!t) {
      t = new Map();
      this.records.set(name, t);
    }
    return t;
  }

  /** In id order: ids only grow and a Map keeps insertion order. */
  private all(resource: string): StoredRecord[] {
    return [...this.table(resource).values()];
  }

  private inScope(resource: string, scope: Scope): StoredRecord[] {
    return this.all(resource).filter((r) => r.companyId === scope.companyId && (scope.projectId === undefined || r.projectId === scope.projectId));
  }

  private mustGet(resource: string, id: number): StoredRecord {
    const r = this.table(resource).get(id);
    if (!r) throw new Error(`no ${resource} record ${id}`);
    return r;
  }

  private expectRemoval(resource: string, removal: ResourceDefinition['removal'], verb: string): SimResourceName {
    const name = this.resourceName(resource);
    if (simResource(name).removal !== removal)
      throw new Error(`${name} records cannot be ${verb} in Procore (they leave lists by ${simResource(name).removal})`);
    return name;
  }

  private setActive(resource: SimResourceName, id: number, active: boolean, at: number): void {
    const r = this.mustGet(resource, id);
    const field = simResource(resource).activeField;
    if (!field) throw new Error(`${resource} records have no active flag`);
    r.fields = { ...r.fields, [field]: active };
    r.updatedAt = truncateToSecond(at);
    this.changed(r, 'update', r.updatedAt);
  }

  private projectInfo(r: StoredRecord): SimProject {
    return {
      id: r.id,
      companyId: r.companyId,
      name: String(r.fields.name ?? ''),
      permitted: this.permitted.get(r.id) ?? false,
      deleted: r.deletedAt !== undefined,
      active: !isInactive(r),
    };
  }

  private toJson(r: StoredRecord): RecordJson {
    const json: RecordJson = {
      id: r.id,
      ...r.fields,
      created_at: toProcoreTime(r.createdAt),
      updated_at: toProcoreTime(r.updatedAt),
    };
    if (simResource(r.resource).includeDeleted) json.deleted_at = r.deletedAt === undefined ? null : toProcoreTime(r.deletedAt);
    return json;
  }
}

/** The wanted resources with the ones they point at (parents, related) before them. */
function withRelated(wanted: SimResourceName[]): SimResourceName[] {
  const all: SimResourceName[] = [];
  const add = (name: SimResourceName) => {
    const related = simResource(name).related;
    if (related !== undefined && related !== 'projects') add(related);
    if (!all.includes(name)) all.push(name);
  };
  for (const name of wanted) add(name);
  return all;
}

function isInactive(r: StoredRecord): boolean {
  const field = simResource(r.resource).activeField;
  return field !== undefined && r.fields[field] === false;
}

function stripReserved(fields: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, created_at: _c, updated_at: _u, deleted_at: _d, ...rest } = fields;
  return rest;
}
