/**
 * An HTTP answer other than success. Procore's v1 error bodies are not uniform, so each thrower
 * picks the shape Procore uses there; a string body is sent as text/plain.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** Rails' ParameterMissing answer when a body wrapper (e.g. "rfi") or top-level key is absent. */
export function parameterMissing(key: string): HttpError {
  return new HttpError(400, { error: `param is missing or the value is empty: ${key}` });
}

export function notFound(what = 'Not Found'): HttpError {
  return new HttpError(404, { errors: what });
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, { errors: message });
}

/** How a resource words a validation failure (422) or duplicate (409); see resources.ts. */
export type ErrorShape = 'field-map' | 'string' | 'message-error';

export type FieldErrors = Record<string, string[]>;

function humanize(field: string): string {
  const words = field.replace(/\./g, ' ').replace(/_id\b/g, '').replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function fullMessages(errors: FieldErrors): string {
  return Object.entries(errors)
    .flatMap(([field, msgs]) => msgs.map((m) => `${humanize(field)} ${m}`))
    .join(', ');
}

export function shapedError(status: number, shape: ErrorShape, errors: FieldErrors): HttpError {
  switch (shape) {
    case 'field-map':
      return new HttpError(status, { errors });
    case 'string':
      return new HttpError(status, { errors: fullMessages(errors) });
    case 'message-error':
      return new HttpError(status, {
        message: status === 409 ? 'Conflict' : 'Validation failed',
        error: fullMessages(errors),
      });
  }
}
