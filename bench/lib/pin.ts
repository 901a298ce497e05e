/**
 * CPU pinning for the ping-pong scenarios (one client waiting on one server). On a 2-core machine
 * the scheduler puts the client and the server on one core in some runs and on two in others, and
 * keeps that placement for the whole run: the same code gave 0.57x to 0.99x nginx for 1 MB ranges
 * across runs. Pinning the client to one core and every server to the other gives each side the
 * same placement in every run (a client and a server on different machines, as users have them).
 */
import { availableParallelism, cpus } from 'node:os';
import { run } from './proc.js';

/**
 * The machine's CPUs. Not availableParallelism(): that follows this process's own affinity, so
 * once pinned it says 1 (which once left the rest of a bench run on one core).
 */
const MACHINE_CPUS = cpus().length;

/** Pins a process and all its threads to `cpuList` (e.g. '1' or '0-1'); false when taskset fails or is missing. */
export async function pinProcess(pid: number, cpuList: string): Promise<boolean> {
  try {
    await run('taskset', ['-a', '-p', '-c', cpuList, String(pid)]);
    return true;
  } catch {
    return false;
  }
}

/** The process's children (nginx's workers), which a pin of their parent after the fork does not move. */
export async function childPids(pid: number): Promise<number[]> {
  const r = await run('pgrep', ['-P', String(pid)], { check: false });
  return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * The client (this process) on CPU 0 and the servers (with their children) on CPU 1 until the
 * returned function puts this process back on every core (and throws if it could not: every
 * process the bench starts afterwards would inherit the pin). Null when pinning is not possible.
 */
export async function pinClientAndServers(serverPids: number[]): Promise<(() => Promise<void>) | null> {
  if (MACHINE_CPUS < 2 || !(await pinProcess(process.pid, '0'))) return null;
  for (const pid of serverPids) {
    for (const p of [pid, ...(await childPids(pid))]) await pinProcess(p, '1');
  }
  return async () => {
    await pinProcess(process.pid, `0-${MACHINE_CPUS - 1}`);
    if (availableParallelism() !== MACHINE_CPUS) {
      throw new Error(`the bench process stayed pinned to ${availableParallelism()} of ${MACHINE_CPUS} CPUs after the download row`);
    }
  };
}
