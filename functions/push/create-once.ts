// A create Procore cannot recognise when repeated (a plain POST: no origin_id to find the record
// by) is sent at most once per push message, whatever fails around it (issue 13, rule 2):
// - before the POST the message's create-journal entry says "sending"; the moment Procore answers
//   with the new id it says "created", before the origin map, the idempotency record or the result
//   are written. Anything failing after that is "applied, report later": the message is retried,
//   and the retry takes the recorded answer instead of calling Procore, so only the reporting repeats.
// - an attempt that finds "sending" (an earlier one died, or got no answer: Procore may hold the
//   record) does not guess: the message is dead-lettered as CreateOutcomeUnknown for a person to
//   check. So is an attempt whose POST got no answer, or one whose answer could not be recorded.
// - Procore answering "no" (4xx, 429, 503: nothing made) clears the entry, so a retry may send it again.
// Other requests (reads, updates, deletes, /sync, creates Procore deduplicates by origin_id) pass through.
import { createHash } from 'node:crypto';
import type { PushMessage } from '../commons/contracts/push-message';
import { PermanentError } from '../commons/failure/permanent-error';
import type { LoggerLike } from '../commons/observability/logger';
import type { ProcoreClient, ProcoreRequest, ProcoreResponse } from '../commons/procore/client';
import { realSleep } from '../commons/procore/timing';
import { mayHaveActed, trackSends } from './send-tracker';
import type { CreateJournal, CreateJournalEntry } from './state/create-journal';

export const CREATE_OUTCOME_UNKNOWN = 'CreateOutcomeUnknown';

export interface CreateGuardDeps {
  journal: CreateJournal;
  logger: LoggerLike;
  clock: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A Procore client for one message's work, and what it learnt about the message's create. */
export interface GuardedProcore {
  procore: Pick<ProcoreClient, 'request'>;
  /** Set once Procore has made the record (now, or in an earlier attempt). */
  created(): { procoreId: number } | undefined;
}

export function guardCreates(procore: Pick<ProcoreClient, 'request'>, message: PushMessage, deadline: number, deps: CreateGuardDeps): GuardedProcore {
  let created: { procoreId: number } | undefined;
  const fingerprint = fingerprintOf(message);
  const request = async <T>(req: ProcoreRequest): Promise<ProcoreResponse<T>> => {
    // A create is a POST Procore cannot recognise when repeated; a batch upsert is never one (its
    // items carry their addresses, and its answer lists entities, not one new id).
    if (req.method !== 'POST' || req.idempotent || req.path.endsWith('/sync')) return procore.request<T>(req);
    const earlier = await deps.journal.get(message.id);
    if (earlier) return answerFrom<T>(earlier, message, fingerprint, (id) => (created = { procoreId: id }));
    if (!(await deps.journal.begin(message.id, fingerprint))) {
      // Another attempt wrote its entry between our read and our write: take what it says.
      const entry = await deps.journal.get(message.id);
      if (entry) return answerFrom<T>(entry, message, fingerprint, (id) => (created = { procoreId: id }));
    }
    const sentAt = new Date(deps.clock()).toISOString();
    const tracked = trackSends(() => procore.request<T>(req));
    let response: ProcoreResponse<T>;
    try {
      response = await tracked.result;
    } catch (error) {
      if (mayHaveActed(tracked.record, error)) throw outcomeUnknown(message, `the POST got no answer that says nothing was made (${describe(error)})`);
      await clearQuietly(deps, message.id);
      throw error;
    }
    const procoreId = Number((response.data as { id?: unknown } | null)?.id);
    if (!Number.isSafeInteger(procoreId) || procoreId <= 0) throw outcomeUnknown(message, `Procore answered ${response.status} without a record id`);
    created = { procoreId };
    await recordCreated(deps, message, { fingerprint, sentAt, procoreId }, deadline);
    return response;
  };
  return { procore: { request }, created: () => created };
}

/** An earlier attempt's entry as this attempt's answer: its record, or a refusal to guess. */
function answerFrom<T>(entry: CreateJournalEntry, message: PushMessage, fingerprint: string, onCreated: (id: number) => void): ProcoreResponse<T> {
  if (entry.fingerprint !== fingerprint) {
    throw new PermanentError('IdempotencyKeyReused', 'a different message with this id was already sent to Procore; ids must be unique per write');
  }
  if (entry.state === 'sending') {
    throw outcomeUnknown(
      message,
      `an earlier attempt sent it at ${entry.sentAt} and ended before Procore's answer was recorded (crash, timeout or lost connection)`,
    );
  }
  onCreated(entry.procoreId);
  return { status: 201, data: { id: entry.procoreId } as T, headers: {} };
}

function outcomeUnknown(message: PushMessage, why: string): PermanentError {
  return new PermanentError(
    CREATE_OUTCOME_UNKNOWN,
    `${message.resource} create: ${why}. Procore may hold the record: look for it, and re-send with a new id only if it is not there (not repeated here, to never create it twice)`,
  );
}

/** Writes "created", retrying until the deadline; if the table never takes it, the message leaves with the id in its reason. */
async function recordCreated(
  deps: CreateGuardDeps,
  message: PushMessage,
  entry: { fingerprint: string; sentAt: string; procoreId: number },
  deadline: number,
): Promise<void> {
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await deps.journal.created(message.id, entry);
      return;
    } catch (error) {
      const wait = Math.min(2000, 100 * 2 ** attempt);
      if (deps.clock() + wait >= deadline) {
        deps.logger.error('Procore made a record but the state table did not take it', {
          id: message.id,
          resource: message.resource,
          procoreId: entry.procoreId,
          error: describe(error),
        });
        throw new PermanentError(
          CREATE_OUTCOME_UNKNOWN,
          `${message.resource} create: Procore made record ${entry.procoreId}, but the state table refused to record it (${describe(error)}); ` +
            'dead-lettered instead of retried, so it is not created twice: the origin map and result for it are missing',
        );
      }
      await sleep(wait);
    }
  }
}

async function clearQuietly(deps: CreateGuardDeps, messageId: string): Promise<void> {
  try {
    await deps.journal.clear(messageId);
  } catch (error) {
    // Left as "sending", the next attempt dead-letters as CreateOutcomeUnknown: cautious, never a duplicate.
    if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') {
      deps.logger.warn('could not clear a create-journal entry after Procore refused the create', { id: messageId, error: describe(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a create writes, hashed: an id reused for another write must not get this one's answer. */
export function fingerprintOf(message: PushMessage): string {
  const { resource, operation, companyId, projectId, originId } = message;
  const data = message.operation === 'delete' ? null : message.data;
  return createHash('sha256')
    .update(stableJson([resource, operation, companyId, projectId ?? null, originId ?? null, data]))
    .digest('hex');
}

/** JSON with object keys sorted (the parser bounds nesting, so recursion is safe). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
