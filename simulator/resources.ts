// The simulated Procore resources: exact paths (from Procore's published endpoint list), body
// wrapper, scope, required fields, error shape and list features. The connector's registry
// (functions/commons/resources/registry.ts) should agree with these declarations.
import { commitmentDeclaration } from './commitment-declaration';
import type { ErrorShape } from './http-error';
import { financialDeclarations } from './financial-resources';
import { intBetween, pick, type Random } from './prng';
import { NO_ORIGIN, recordRoutes, routes, syncRoutes } from './resource-routes';

/** A built-in resource, or a generic one a test added from the operations file (generic-resources.ts). */
export type SimResourceName = string;

export type Action = 'list' | 'show' | 'create' | 'update' | 'delete' | 'sync';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `{company_id}`, `{project_id}` and `{id}` match decimal ids. */
  path: string;
  action: Action;
}

export interface ResourceDefinition {
  name: SimResourceName;
  scope: 'company' | 'project';
  wrapperKey: string;
  routes: RouteSpec[];
  /**
   * The scope id that is not in the path: a query parameter on reads, a top-level body key on
   * writes (e.g. vendors: `?company_id=` and `{"company_id", "vendor": {...}}`).
   */
  scopeParam?: 'company_id' | 'project_id';
  /** Dot paths inside the wrapper that must not be blank. */
  required: string[];
  /** How this endpoint words 422/409 errors (Procore's v1 bodies differ per endpoint). */
  errorShape: ErrorShape;
  /** origin_id / origin_data / origin_code supported; origin_id unique per company. */
  originId: boolean;
  /**
   * Records carry `deleted_at` (the list declares `filters[include_deleted]=with|only`; others hide
   * deleted records): the resources whose removal is `include-deleted`.
   */
  includeDeleted: boolean;
  /**
   * Where a record that left the default list shows (Procore's operations file, see
   * simulator/removal-routes.ts): the project status filter, a recycle bin, the list itself with
   * `filters[include_deleted]`, or an inactive list.
   */
  removal: 'project-status' | 'recycle-bin' | 'include-deleted' | 'inactive-list' | 'none' | 'gone';
  /** The boolean field that says a record is active (projects `active`, vendors and users
   * `is_active`); the default list shows active records only. */
  activeField?: 'active' | 'is_active';
  defaultPerPage: number;
  /** The list declares no page/per_page: it answers every record at once. */
  unpaged?: true;
  /** Records seeded per scope, whatever `recordsPerResource` says (a project's few prime contracts). */
  seedCount?: number;
  /** Write-body keys beside the wrapper that Procore requires (400 without) and stores on the record;
   * a sync takes them once for all its items (body, or query where the sync declares them). */
  topLevel?: string[];
  /** Such keys that may be left out (a cost code's `sub_job_id`). */
  optionalTopLevel?: string[];
  /** A list served per parent record: the parent id (path `{param}` or query `param`, required unless
   * `optional`) must be a live `resource` record of the scope; records whose `field` is that id are
   * listed (without it, those with none: a project's own cost codes). */
  parent?: { param: string; resource: SimResourceName; field: string; optional?: true };
  /** Push resource names that write these records too (the connector's `sub_job_cost_codes` are cost
   * codes): their messages' origin ids may appear in this resource's writes (origin-id-audit.ts). */
  writtenAs?: string[];
  /** A sync whose items are under another key than `updates`, answering the entities as an array
   * (budget line items: `budget_line_items`; an invalid item fails the call with 422). */
  syncItemsKey?: string;
  /** The resource whose ids of the scope `fake` gets as `relatedIds` (seeded first). */
  related?: SimResourceName;
  /** Stored fields from a write body's wrapper contents (default: as given). */
  fromInput?: (input: Record<string, unknown>, existing?: Record<string, unknown>) => Record<string, unknown>;
  fake: (ctx: FakeContext) => Record<string, unknown>;
}

export interface FakeContext {
  random: Random;
  index: number; // 1-based within its scope
  companyId: number;
  companyName: string;
  projectId?: number;
  userIds: number[];
  /** Ids of the resource's `related` resource in the scope (project ids for company resources). */
  relatedIds?: number[];
}

const V = (versions: string[], tail: string) => versions.map((v) => `/rest/${v}${tail}`);

/** What a resource declares; `resources` fills in the rest, which is the same rule for all. */
export type Declaration = Omit<ResourceDefinition, 'name' | 'includeDeleted' | 'defaultPerPage'>;

/** The page size a list answers with when the request names none. */
const DEFAULT_PER_PAGE = 100;

function resources<N extends string>(declarations: Record<N, Declaration>): Record<N, ResourceDefinition> & Record<SimResourceName, ResourceDefinition> {
  const all = {} as Record<N, ResourceDefinition>;
  for (const [name, declaration] of Object.entries(declarations) as [N, Declaration][]) {
    all[name] = { name, ...declaration, includeDeleted: declaration.removal === 'include-deleted', defaultPerPage: DEFAULT_PER_PAGE };
  }
  return all;
}

const COMPANY_USER_VERSIONS = ['v1.0', 'v1.1', 'v1.2', 'v1.3'];
const SUBMITTAL_VERSIONS = ['v1.0', 'v1.1'];

/**
 * Company directory entries (vendors, users): Procore deactivates them instead of deleting them
 * (`is_active: false`, listed by their inactive list), and they carry origin fields.
 */
const DIRECTORY_ENTRY = { originId: true, removal: 'inactive-list', activeField: 'is_active' } as const;

const CITIES = ['Austin', 'Denver', 'Portland', 'Chicago', 'Atlanta', 'Phoenix', 'Boston'];
const FIRST = ['Ana', 'Ben', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo'];
const LAST = ['Ortiz', 'Nguyen', 'Smith', 'Kowalski', 'Okafor', 'Larsen', 'Patel', 'Rossi'];
const TRADES = ['Concrete', 'Electrical', 'Plumbing', 'Steel', 'Drywall', 'Roofing', 'HVAC'];
const TOPICS = ['slab edge', 'door hardware', 'fire rating', 'duct routing', 'anchor bolts', 'glazing'];

export const RESOURCES = resources({
  projects: {
    scope: 'company',
    wrapperKey: 'project',
    routes: [
      ...recordRoutes(['/rest/v1.0/projects']),
      ...routes('list', 'GET', ['/rest/v1.1/projects', '/rest/v1.0/companies/{company_id}/projects']),
      ...syncRoutes(['/rest/v1.0/projects']),
    ],
    scopeParam: 'company_id',
    required: ['name'],
    errorShape: 'string',
    originId: true,
    removal: 'project-status',
    activeField: 'active',
    fake: ({ random, index, companyId, companyName }) => {
      const city = pick(random, CITIES);
      return {
        name: `${city} ${pick(random, ['Tower', 'Clinic', 'School', 'Depot', 'Lofts'])} ${index}`,
        display_name: `${100 + index} - ${city} project`,
        project_number: String(100 + index),
        active: true,
        address: `${intBetween(random, 1, 9999)} Main St`,
        city,
        state_code: pick(random, ['TX', 'CO', 'OR', 'IL', 'GA']),
        country_code: 'US',
        zip: String(intBetween(random, 10000, 99999)),
        stage: pick(random, ['Bidding', 'Course of Construction', 'Post-Construction']),
        company: { id: companyId, name: companyName },
        ...NO_ORIGIN,
      };
    },
  },
  rfis: {
    scope: 'project',
    wrapperKey: 'rfi',
    routes: [...recordRoutes(['/rest/v1.0/projects/{project_id}/rfis'])],
    required: ['subject', 'rfi_manager_id', 'question.body'],
    errorShape: 'field-map',
    originId: false,
    removal: 'recycle-bin',
    fromInput: (input, existing) => {
      const { question, ...rest } = input;
      if (question === undefined) return rest;
      const body = (question as { body?: unknown } | null)?.body;
      const previous = (existing?.questions as Record<string, unknown>[] | undefined)?.[0];
      return { ...rest, questions: [{ ...previous, body, plain_text_body: body }] };
    },
    fake: ({ random, index, userIds }) => {
      const subject = `Clarify ${pick(random, TOPICS)} at grid ${pick(random, ['A', 'B', 'C', 'D'])}-${intBetween(random, 1, 9)}`;
      return {
        number: String(index),
        subject,
        status: pick(random, ['draft', 'open', 'open', 'closed']),
        rfi_manager_id: pick(random, userIds),
        due_date: `2026-0${intBetween(random, 1, 9)}-${intBetween(random, 10, 28)}`,
        questions: [{ body: `Please confirm the ${subject.toLowerCase()}.`, plain_text_body: `Please confirm the ${subject.toLowerCase()}.` }],
        private: false,
      };
    },
  },
  submittals: {
    scope: 'project',
    wrapperKey: 'submittal',
    routes: [
      ...recordRoutes(V(SUBMITTAL_VERSIONS, '/projects/{project_id}/submittals')),
      ...routes('delete', 'DELETE', ['/rest/v1.1/projects/{project_id}/submittals/{id}']),
    ],
    required: ['number'],
    errorShape: 'string',
    originId: false,
    removal: 'recycle-bin',
    fake: ({ random, index }) => ({
      number: `${pick(random, ['03', '05', '08', '09', '23'])} ${intBetween(random, 10, 99)} 00-${index}`,
      title: `${pick(random, TRADES)} shop drawings`,
      revision: String(intBetween(random, 0, 3)),
      status: { id: intBetween(random, 1, 5), name: pick(random, ['Draft', 'Open', 'Approved', 'Closed']) },
      description: 'Submitted for review.',
      private: false,
    }),
  },
  observations: {
    scope: 'project',
    wrapperKey: 'observation',
    routes: [...recordRoutes(['/rest/v1.0/observations/items']), ...routes('delete', 'DELETE', ['/rest/v1.0/projects/{project_id}/observations/items/{id}'])],
    scopeParam: 'project_id',
    required: ['name', 'type_id'],
    errorShape: 'message-error',
    originId: false,
    removal: 'recycle-bin',
    fake: ({ random, index, projectId }) => ({
      number: String(index),
      name: `${pick(random, ['Missing guardrail', 'Debris on stair', 'Exposed rebar', 'Blocked egress'])} ${index}`,
      description: 'Observed during site walk.',
      status: pick(random, ['initiated', 'ready_for_review', 'not_accepted', 'closed']),
      priority: pick(random, ['Low', 'Medium', 'High', 'Urgent']),
      type_id: intBetween(random, 1, 4),
      project_id: projectId,
      due_date: null,
    }),
  },
  vendors: {
    scope: 'company',
    wrapperKey: 'vendor',
    routes: [...recordRoutes(['/rest/v1.0/vendors']), ...syncRoutes(['/rest/v1.0/vendors'])],
    scopeParam: 'company_id',
    required: ['name'],
    errorShape: 'field-map',
    ...DIRECTORY_ENTRY,
    fake: ({ random, index }) => {
      const trade = pick(random, TRADES);
      return {
        name: `${pick(random, LAST)} ${trade} ${index}`,
        abbreviated_name: `${trade.slice(0, 3).toUpperCase()}${index}`,
        trade_name: trade,
        is_active: true,
        email_address: `office${index}@${trade.toLowerCase()}.example`,
        business_phone: `555-01${String(index % 100).padStart(2, '0')}`,
        city: pick(random, CITIES),
        country_code: 'US',
        ...NO_ORIGIN,
      };
    },
  },
  company_users: {
    scope: 'company',
    wrapperKey: 'user',
    routes: [
      ...recordRoutes(V(COMPANY_USER_VERSIONS, '/companies/{company_id}/users')),
      ...syncRoutes(V(COMPANY_USER_VERSIONS, '/companies/{company_id}/users')),
    ],
    required: ['last_name', 'email_address'],
    errorShape: 'message-error',
    ...DIRECTORY_ENTRY,
    fake: ({ random, index }) => {
      const first = pick(random, FIRST);
      const last = pick(random, LAST);
      return {
        first_name: first,
        last_name: last,
        name: `${first} ${last}`,
        email_address: `${first}.${last}.${index}@example.com`.toLowerCase(),
        job_title: pick(random, ['Project Manager', 'Superintendent', 'Engineer', 'Estimator']),
        is_active: true,
        is_employee: random() < 0.7,
        employee_id: null,
        origin_id: null,
      };
    },
  },
  work_order_contracts: commitmentDeclaration('work_order_contracts', 'work_order_contract', ({ random, index, projectId }) => ({
    number: `SC-${String(index).padStart(3, '0')}`,
    title: `${pick(random, TRADES)} subcontract`,
    status: pick(random, ['Draft', 'Out For Signature', 'Approved', 'Complete']),
    executed: random() < 0.5,
    private: false,
    grand_total: (intBetween(random, 10_000, 2_000_000) + 0.5).toFixed(2),
    retainage_percent: '10.0',
    description: null,
    project: { id: projectId },
    ...NO_ORIGIN,
  })),
  ...financialDeclarations(),
});

/**
 * The built-in resources, in the order declared above (the order they are seeded in). Named by the
 * declarations' keys, not copied from the connector's list (functions/commons/resources/names.ts):
 * the simulator plays Procore and imports no connector code, so a resource the connector names
 * wrongly fails against it instead of being agreed with.
 */
export const SIM_RESOURCE_NAMES: readonly SimResourceName[] = Object.keys(RESOURCES);

/** The definition of a resource the simulator serves (built-in or generic); unknown names throw. */
export function simResource(name: SimResourceName): ResourceDefinition {
  const definition = RESOURCES[name];
  if (!definition) throw new Error(`unknown resource ${JSON.stringify(name)}; known: ${Object.keys(RESOURCES).join(', ')}`);
  return definition;
}
