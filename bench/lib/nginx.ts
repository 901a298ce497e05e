/** nginx as the download reference: one worker, sendfile, a config of our own in a temp directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep, start, type Started } from './proc.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Nginx {
  /** Base URL; a file `<name>` of the served directory is at `${url}/files/<name>`. */
  url: string;
  /** The master process (its workers are its children). */
  pid: number;
  stop(): Promise<void>;
}

export async function startNginx(bin: string, dir: string, serveDir: string): Promise<Nginx> {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    location /files/ { alias ${serveDir}/; default_type text/csv; }
  }
}
`);
  const child: Started = start(bin, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (i > 100 || child.proc.exitCode !== null) throw new Error(`nginx did not start: ${child.lines.map((l) => l.text).join('\n')}`);
      await sleep(50);
    }
  }
  return { url, pid: child.pid, stop: () => child.stop() };
}
