/**
 * Starts a module in a worker thread, from compiled JavaScript or from TypeScript sources. The one
 * starter of the project: the client's merge worker and the server's export workers both use it
 * (the server through `@tidemark/client/internal`, since the client may not import the server).
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface StartWorkerOptions {
  /** Handed to the worker as `workerData` (structured clone). */
  data?: unknown;
  resourceLimits?: ResourceLimits;
}

/**
 * Starts `name` (a module beside `callerUrl`, named without its extension) in a worker thread.
 * Built, the module is plain .js. Run from sources under tsx (as the tests do) it is .ts, and
 * Node 20 does not carry tsx's loader into workers, so a tiny bootstrap registers it first.
 * @example const worker = startWorker(import.meta.url, 'merge-worker', { data: job })
 */
export function startWorker(callerUrl: string, name: string, options: StartWorkerOptions = {}): Worker {
  const isTs = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${isTs ? '.ts' : '.js'}`, callerUrl);
  const settings = { workerData: options.data, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) };
  if (!isTs) return new Worker(url, settings);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...settings, eval: true });
}
