// Nested form field names the way Rails reads them (Rack's `normalize_params`): `user[last_name]`
// is `{user: {last_name}}`, `ids[]` appends to an array, `updates[][name]` adds to the last hash of
// an array and starts a new one when that hash already has the key. Procore's multipart-only writes
// (company users) take their fields this way (`user[avatar]` in Procore's Company Users reference).
// Multipart values are strings: like Rails, the simulator stores them as strings.

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export class FormParamError extends Error {}

const isObject = (v: unknown): v is FormObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasKey(hash: FormObject, key: string): boolean {
  if (key.includes('[]')) return false;
  let current: FormValue = hash;
  for (const part of key.split(/[[\]]+/)) {
    if (part === '') continue;
    if (!isObject(current) || !(part in current)) return false;
    current = current[part]!;
  }
  return true;
}

function normalize(params: FormObject, name: string, value: string, depth: number): FormObject | FormValue[] {
  let key: string;
  let after: string;
  if (depth === 0) {
    const start = name.indexOf('[', 1);
    [key, after] = start > 0 ? [name.slice(0, start), name.slice(start)] : [name, ''];
  } else if (name.startsWith('[]')) {
    [key, after] = ['[]', name.slice(2)];
  } else if (name.startsWith('[') && name.indexOf(']', 1) > 0) {
    const end = name.indexOf(']', 1);
    [key, after] = [name.slice(1, end), name.slice(end + 1)];
  } else {
    [key, after] = [name, ''];
  }
  if (key === '') return params;
  if (after === '') {
    if (key === '[]' && depth !== 0) return [value];
    params[key] = value;
  } else if (after === '[]') {
    const list = (params[key] ??= []);
    if (!Array.isArray(list)) throw new FormParamError(`expected an array for ${key}`);
    list.push(value);
  } else if (after.startsWith('[]')) {
    // x[][y]: a hash inside an array.
    const simple = /^\[\]\[([^[\]]+)\]$/.exec(after);
    const childKey = simple ? simple[1]! : after.slice(2);
    const list = (params[key] ??= []);
    if (!Array.isArray(list)) throw new FormParamError(`expected an array for ${key}`);
    const last = list[list.length - 1];
    if (isObject(last) && !hasKey(last, childKey)) normalize(last, childKey, value, depth + 1);
    else list.push(normalize({}, childKey, value, depth + 1) as FormValue);
  } else {
    const child = (params[key] ??= {});
    if (!isObject(child)) throw new FormParamError(`expected a hash for ${key}`);
    params[key] = normalize(child, after, value, depth + 1) as FormValue;
  }
  return params;
}

/** Form fields (in their order) as the nested object Rails would see. */
export function nestFormFields(fields: Iterable<[string, string]>): FormObject {
  const params: FormObject = {};
  for (const [name, value] of fields) normalize(params, name, value, 0);
  return params;
}
