/**
 * Resolves dot segments and repeated slashes before routing, so the literal path that
 * node-marketo-rest sends, `/rest/../bulk/v1/...`, reaches `/bulk/v1/...`. The query is kept.
 * A request target in absolute form (`GET http://host/bulk/v1/...`, which RFC 9112 3.2.2 says a
 * server must accept) is reduced to its path first.
 */
export function normalisePath(target: string): string {
  const url = originForm(target);
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  // Nothing to do without a dot segment or an empty one; a dot inside a name (`status.json`) is
  // not a dot segment when the path starts with `/` (every request path does).
  if (!path.includes('//') && (!path.includes('.') || (path.startsWith('/') && !path.includes('/.')))) return url;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const trailing = path.endsWith('/') && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}${query}`;
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const m = ABSOLUTE_FORM.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
