// Procore v1 pagination: page (1-based) and per_page in, Total / Per-Page / Link headers out.

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
  /** The page and page size applied, and the list's size. */
  page: number;
  perPage: number;
  total: number;
}

/**
 * `requestUrl` is the absolute URL the client called; Link keeps its other query parameters.
 * per_page above `maxPerPage` is clamped (Per-Page tells the client what it got).
 */
export function paginate<T>(all: T[], requestUrl: URL, defaultPerPage: number, maxPerPage: number): Page<T> {
  const perPage = Math.min(maxPerPage, positiveInt(requestUrl.searchParams.get('per_page')) ?? defaultPerPage);
  const page = positiveInt(requestUrl.searchParams.get('page')) ?? 1;
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(requestUrl);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(Math.min(page - 1, lastPage), 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'));
  links.push(link(lastPage, 'last'));
  return {
    items: all.slice((page - 1) * perPage, page * perPage),
    headers: { Total: String(all.length), 'Per-Page': String(perPage), Link: links.join(', ') },
    page,
    perPage,
    total: all.length,
  };
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}
