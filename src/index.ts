/**
 * `tidemark` as a library: start the server inside your own program or test suite. The command
 * line (`npx tidemark serve`, ...) is the usual way in; this is the supported surface for
 * embedding it, pinned by test/structure/public-surface.test.ts. The client SDK is its own package,
 * `@tidemark/client`.
 *
 * @example
 * import { createTidemark, defaultConfig } from 'tidemark';
 */
export { createTidemark } from './server/main.js';
export type { CreateOptions, Tidemark } from './server/main.js';
export { defaultConfig, loadServeConfig } from './config/config.js';
export type { Config, RateLimit } from './config/config.js';
