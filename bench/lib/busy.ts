/**
 * A machine that is doing something else: `--busy-core` keeps one core busy for a scenario's
 * whole duration (Tidemark's and the reference's samples alike) with a separate process that
 * spins, as a CI runner's other job or a laptop's browser would. `cores` > 1 keeps more busy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { BenchContext, Scenario } from './context.js';

/** Starts `cores` spinning processes; the returned function stops them. */
export async function spinCores(cores: number): Promise<() => Promise<void>> {
  const spinners: ChildProcess[] = [];
  for (let i = 0; i < cores; i++) {
    // Plain busy loop: no allocation, no I/O, one core's worth of run queue.
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'inherit'] });
    spinners.push(child);
    await once(child.stdout!, 'data');
  }
  return async () => {
    await Promise.all(spinners.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }));
  };
}

/**
 * The scenario with `cores` cores kept busy: its id gains `-busy` (`-busy2` for two), its title says so, and the
 * scenario sees `ctx.busyCores` (to set its target for a busy machine).
 */
export function withBusyCores(scenario: Scenario, cores = 1): Scenario {
  return async (ctx: BenchContext) => {
    const stop = await spinCores(cores);
    try {
      const r = await scenario({ ...ctx, busyCores: cores });
      const what = cores === 1 ? 'one core busy' : `${cores} cores busy`;
      return { ...r, id: `${r.id}-busy${cores === 1 ? '' : cores}`, title: `${r.title}, ${what}`, notes: [...r.notes, `${what}: ${cores} process(es) spinning for the whole scenario`] };
    } finally {
      await stop();
    }
  };
}
