/**
 * Resolves dot segments and repeated slashes before routing, so the literal path that
 * node-marketo-rest sends, `/rest/../bulk/v1/...`, reaches `/bulk/v1/...`. The query is kept.
 */
export function normalisePath(url: string): string {
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
