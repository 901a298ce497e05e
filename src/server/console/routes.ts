/** Where the console's JSON endpoints live, and the route options they share. */
export const CONSOLE_BASE = '/tidemark/v1/console';

/** A console endpoint: the session (with CSRF on changes) or the admin token; never counted in the call limits. */
export function consoleRoute(summary: string) {
  return { config: { access: 'console' as const, summary } };
}
