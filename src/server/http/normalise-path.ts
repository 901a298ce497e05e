/**
 * Resolves dot segments and repeated slashes before routing, so the literal path that
 * node-marketo-rest sends, `/rest/../bulk/v1/...`, reaches `/bulk/v1/...`. The query is kept.
 * A request target in absolute form (`GET https://123-ABC-456.mktorest.com/rest/v1/...`, which
 * RFC 9112 §3.2.2 says a server must accept, and which a client sends when told Tidemark is its
 * HTTP proxy) is served as its path: like the Host header, the authority does not pick anything.
 */
export function normalisePath(rawUrl: string): string {
  const authority = /^https?:\/\/[^/?#]*/i.exec(rawUrl);
  const url = authority ? `/${rawUrl.slice(authority[0].length).replace(/^\//, '')}` : rawUrl;
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
