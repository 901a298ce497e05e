// A whole Marketo bulk activity export with Node's own fetch, written as a client of Marketo
// itself: only the base URL (https://<munchkin-id>.mktorest.com) says where it goes.
// Usage: node fetch-export.mjs BASE CLIENT_ID CLIENT_SECRET START_AT END_AT
// Prints one JSON summary; on a TLS failure prints `TLS error: <code>` on stderr and exits 2.
import { createHash } from 'node:crypto';

const [base, clientId, clientSecret, startAt, endAt] = process.argv.slice(2);
const EXPORTS = `${base}/bulk/v1/activities/export`;

async function main() {
  const auth = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  const identity = await (await fetch(`${base}/identity/oauth/token?${auth}`)).json();
  const headers = { Authorization: `Bearer ${identity.access_token}` };
  const call = async (path, init = {}) => {
    const body = await (await fetch(`${EXPORTS}${path}`, { ...init, headers: { ...headers, ...init.headers } })).json();
    if (!body.success) throw new Error(`${path}: ${JSON.stringify(body.errors)}`);
    return body.result[0];
  };
  const created = await call('/create.json', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ format: 'CSV', filter: { createdAt: { startAt, endAt } } }),
  });
  const id = created.exportId;
  const queued = await call(`/${id}/enqueue.json`, { method: 'POST' });
  let job = queued;
  for (let i = 0; i < 600 && job.status !== 'Completed'; i++) {
    if (['Failed', 'Cancelled'].includes(job.status)) throw new Error(`job ${id} ended ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
    job = await call(`/${id}/status.json`);
  }
  // Download in two Range requests, as clients that resume or chunk do.
  const half = Math.floor(job.fileSize / 2);
  const parts = [];
  for (const range of [`bytes=0-${half - 1}`, `bytes=${half}-`]) {
    const r = await fetch(`${EXPORTS}/${id}/file.json`, { headers: { ...headers, Range: range } });
    parts.push({ status: r.status, contentRange: r.headers.get('content-range'), bytes: Buffer.from(await r.arrayBuffer()) });
  }
  const file = Buffer.concat(parts.map((p) => p.bytes));
  return {
    tokenType: identity.token_type, exportId: id, statuses: [created.status, queued.status, job.status],
    numberOfRecords: job.numberOfRecords, fileSize: job.fileSize, fileChecksum: job.fileChecksum,
    ranges: parts.map((p) => ({ status: p.status, contentRange: p.contentRange, length: p.bytes.length })),
    sha256: `sha256:${createHash('sha256').update(file).digest('hex')}`, lines: file.toString('utf8').split('\n').length - 1,
  };
}

main().then((summary) => console.log(JSON.stringify(summary)), (err) => {
  const code = err?.cause?.code;
  console.error(code ? `TLS error: ${code} (${err.cause.message})` : String(err?.stack ?? err));
  process.exit(code ? 2 : 1);
});
