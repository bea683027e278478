// List views: some Procore lists answer with a reduced record unless `view` asks for more (work
// order contracts: `compact` by default, `extended` on request). An unknown view name gives the
// default view, as Procore's references say ("If a valid view is not provided, it will default").
// Which fields each view carries is not in the operations file: the compact view here keeps few
// fields (no updated_at, no money, no origin keys), so a client that forgets the view it needs fails
// visibly instead of passing on fields Procore would not send.
import type { SimResourceName } from './resources';
import type { RecordJson } from './store';

interface ResourceViews {
  defaultView: string;
  /** Fields per view; 'all' keeps the whole record. */
  views: Record<string, readonly string[] | 'all'>;
}

const VIEWS: Partial<Record<SimResourceName, ResourceViews>> = {
  work_order_contracts: {
    defaultView: 'compact',
    views: { compact: ['id', 'number', 'title', 'status', 'executed', 'project'], extended: 'all' },
  },
  // Commitments alike: purchase order contracts list compact by default too.
  purchase_order_contracts: {
    defaultView: 'compact',
    views: { compact: ['id', 'number', 'title', 'status', 'executed', 'project'], extended: 'all' },
  },
  // "The 'default' view only returns id and standard_cost_code_list_id. The 'compact' view also
  // includes origin_id. The 'extended' view includes the more complete list of attributes"
  // (List Standard Cost Codes, `view`).
  standard_cost_codes: {
    defaultView: 'default',
    views: { default: ['id', 'standard_cost_code_list_id'], compact: ['id', 'standard_cost_code_list_id', 'origin_id'], extended: 'all' },
  },
  vendors: {
    // Procore: "The default view is extended."
    defaultView: 'extended',
    views: { compact: ['id', 'name', 'is_active'], extended: 'all' },
  },
};

/** The record as the list answers it in the requested (or default) view. */
export function inView(resource: SimResourceName, requested: string | null, record: RecordJson): Record<string, unknown> {
  const views = VIEWS[resource];
  if (!views) return record;
  const fields = views.views[requested !== null && requested in views.views ? requested : views.defaultView]!;
  if (fields === 'all') return record;
  return Object.fromEntries(fields.filter((field) => field in record).map((field) => [field, record[field]]));
}
