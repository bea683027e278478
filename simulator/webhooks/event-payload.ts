// The event a delivery carries, in Procore's v2 payload format (procore/documentation
// plan_your_app/webhooks.md, "Version v2.0"): it names what changed, not its content.
import type { Random } from '../prng';
import type { StoreChange } from '../store';
import { WEBHOOK_RESOURCES } from './resource-names';

export interface WebhookEvent {
  id: number;
  ulid: string;
  timestamp: string;
  metadata: {
    source_user_id: number;
    source_company_id: number;
    source_project_id: number | null;
    source_operation_id: null;
    /**
     * The application that made the change: Procore documents it as the "(Client ID)" of the app
     * (procore/documentation webhooks_api.md, metadata table), so the simulator puts the OAuth client id
     * of the token behind the API call here; null for changes made in Procore itself.
     */
    source_application_id: string | null;
  };
  user_id: number;
  company_id: number;
  project_id: number | null;
  api_version: string;
  event_type: StoreChange['eventType'];
  resource_name: string;
  resource_id: number;
}

/** Who changes records in Procore when no API call did (a person in the web app). */
const PROCORE_USER_ID = 2 ** 32 + 8;

export function buildEvent(change: StoreChange, ids: { eventId: number; serviceAccountUserId: number; random: Random }): WebhookEvent {
  const userId = change.applicationId === undefined ? PROCORE_USER_ID : ids.serviceAccountUserId;
  return {
    id: ids.eventId,
    ulid: ulid(change.at, ids.random),
    timestamp: new Date(change.at).toISOString(),
    metadata: {
      source_user_id: userId,
      source_company_id: change.companyId,
      source_project_id: change.projectId ?? null,
      source_operation_id: null,
      source_application_id: change.applicationId ?? null,
    },
    user_id: userId,
    company_id: change.companyId,
    project_id: change.projectId ?? null,
    api_version: 'v2.0',
    event_type: change.eventType,
    // Only changes of resources with a webhook name get here (delivery-engine.ts).
    resource_name: WEBHOOK_RESOURCES[change.resource]?.name ?? change.resource,
    resource_id: change.id,
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (github.com/ulid/spec): 48-bit ms time in 10 characters, 80 random bits in 16, Crockford base32. */
function ulid(epochMs: number, random: Random): string {
  let time = '';
  let t = Math.floor(epochMs);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[Math.floor(random() * 32)];
  return time + rest;
}
