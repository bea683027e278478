// A JSON body as multipart/form-data fields, named the way Rails nests them (Procore's multipart-only
// writes, e.g. company users: "specify each parameter as form-data together with `user[avatar]`",
// Procore's Company Users reference): `{user: {last_name}}` is `user[last_name]`, arrays of scalars
// `ids[]`, arrays of objects `updates[][name]`. Rails starts a new array item when the key it reads
// is already in the last item, so every item of an array of objects must lead with the same key
// (the builders put `id` or `origin_id` first); anything else could merge two items, and is refused.
// Values become strings (null an empty string); empty arrays and objects cannot be said in a form
// and are left out.

export type FormField = [name: string, value: string];

function scalar(value: unknown, name: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new Error(`multipart field ${name}: cannot send a ${typeof value}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function arrayFields(items: unknown[], name: string, out: FormField[]): void {
  const objects = items.filter(isObject);
  if (objects.length > 0 && objects.length !== items.length) throw new Error(`multipart field ${name}: mixes objects and values`);
  if (objects.length === 0) {
    for (const item of items) {
      if (Array.isArray(item)) throw new Error(`multipart field ${name}: nested arrays cannot be sent`);
      out.push([`${name}[]`, scalar(item, name)]);
    }
    return;
  }
  const lead = Object.keys(objects[0]!)[0];
  objects.forEach((item, index) => {
    if (Object.keys(item)[0] !== lead) {
      throw new Error(`multipart field ${name}: item ${index} does not lead with ${String(lead)}, so Rails could merge it into the item before`);
    }
    fieldsOf(item, `${name}[]`, out);
  });
}

function fieldsOf(value: Record<string, unknown>, prefix: string, out: FormField[]): void {
  for (const [key, child] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}[${key}]`;
    if (child === undefined) continue;
    if (Array.isArray(child)) arrayFields(child, name, out);
    else if (isObject(child)) fieldsOf(child, name, out);
    else out.push([name, scalar(child, name)]);
  }
}

/** The fields of a JSON object body, in order. */
function formFields(body: Record<string, unknown>): FormField[] {
  const out: FormField[] = [];
  fieldsOf(body, '', out);
  return out;
}

export function toFormData(body: unknown): FormData {
  if (!isObject(body)) throw new Error('a multipart/form-data body must be an object');
  const form = new FormData();
  for (const [name, value] of formFields(body)) form.append(name, value);
  return form;
}
