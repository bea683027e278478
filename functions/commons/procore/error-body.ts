// Procore's v1 error bodies are not uniform (PROCORE.md "Status codes"). This turns any of them,
// or a plain-text body, into one readable message plus the structured part worth keeping.

const MAX_MESSAGE_CHARS = 500;

export interface ErrorBodySummary {
  message?: string;
  /** Field errors or v2 details, safe to log. */
  details?: unknown;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"field": ["msg", ...]}` → `field msg; field msg2`. */
function fieldErrors(errors: Record<string, unknown>): string {
  return Object.entries(errors)
    .map(([field, messages]) => {
      const list = Array.isArray(messages) ? messages : [messages];
      return list.map((message) => `${field} ${typeof message === 'string' ? message : JSON.stringify(message)}`).join('; ');
    })
    .join('; ');
}

export function summarizeErrorBody(body: unknown): ErrorBodySummary {
  if (typeof body === 'string') return body.trim() ? { message: clip(body) } : {};
  if (!isRecord(body)) return body === undefined || body === null ? {} : { message: clip(JSON.stringify(body)) };

  const { errors, error, message, error_description: description } = body;
  // v2 standard: {"error": {"code", "message", "details": [...]}}
  if (isRecord(error)) {
    const text = [error.code, error.message].filter((part) => typeof part === 'string').join(': ');
    return { message: clip(text || JSON.stringify(error)), details: error.details ?? error };
  }
  if (typeof errors === 'string') return { message: clip(errors) };
  if (Array.isArray(errors)) {
    return { message: clip(errors.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('; ')), details: errors };
  }
  if (isRecord(errors)) return { message: clip(fieldErrors(errors)), details: errors };
  if (typeof message === 'string') {
    return { message: clip(typeof error === 'string' && error !== message ? `${message} (${error})` : message) };
  }
  if (typeof error === 'string') {
    // OAuth shape: {"error": "invalid_client", "error_description": "..."}
    return { message: clip(typeof description === 'string' ? `${error}: ${description}` : error) };
  }
  return { message: clip(JSON.stringify(body)) };
}

/** Parses a response body as JSON when it is JSON, else keeps the text (Procore answers some
 * errors, e.g. a missing Procore-Company-Id, in plain text). */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  const looksJson = contentType?.includes('json') ?? false;
  if (looksJson || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
