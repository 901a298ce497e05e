import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a real `tidemark serve` with these arguments and resolves once it says it is ready
 * (`listening on ...` or, for `--role worker`, `worker running`), with that line.
 */
export function startServe(args: string[]): Promise<{ child: ChildProcess; line: string; url?: string }> {
  const child = spawn(process.execPath, ['bin/tidemark.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => /listening on|worker running/.test(l));
      if (line) resolve({ child, line, url: /listening on (http:\/\/\S+)/.exec(line)?.[1] });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}
