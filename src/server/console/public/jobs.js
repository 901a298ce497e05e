// Every job of every API user, newest first, paged on the server; filters by status, user and
// export type live in the address (#/jobs?status=Queued&user=...&type=...&offset=50).
import { useEffect, useState } from 'preact/hooks';
import { api, bytes, count, ErrorNotice, html, statusBadge, when } from './ui.js';

const STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'];
const KINDS = [['activities', 'Activities'], ['leads', 'Leads'], ['programMembers', 'Program members']];
const PAGE = 50;

function go(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  location.hash = `#/jobs${q.size ? `?${q}` : ''}`;
}

/** Reloads whenever the live overview's job counts change: a job was created, moved on, or removed. */
export function useJobCountsVersion(overview) {
  return overview ? JSON.stringify(overview.jobs) : '';
}

function Filters({ status, user, type, users }) {
  const change = (key) => (e) => go({ status, user, type, [key]: e.currentTarget.value });
  return html`<form class="filters" role="search" aria-label="Filter jobs" onSubmit=${(e) => e.preventDefault()}>
    <div><label for="f-status">Status</label>
      <select id="f-status" value=${status} onChange=${change('status')}>
        <option value="">Any status</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></div>
    <div><label for="f-user">API user</label>
      <select id="f-user" value=${user} onChange=${change('user')}>
        <option value="">Every user</option>${users.map((u) => html`<option value=${u.clientId}>${u.name}</option>`)}
      </select></div>
    <div><label for="f-type">Export type</label>
      <select id="f-type" value=${type} onChange=${change('type')}>
        <option value="">Every type</option>${KINDS.map(([k, label]) => html`<option value=${k}>${label}</option>`)}
      </select></div>
  </form>`;
}

function JobRow({ job }) {
  return html`<tr data-export-id=${job.exportId}>
    <td class="mono"><a href=${`#/jobs/${job.exportId}`} aria-label=${`Job ${job.exportId}`}>${job.exportId.slice(0, 8)}</a></td>
    <td>${statusBadge(job.status)}</td>
    <td>${job.ownerName ?? html`<span class="mono">${job.owner.slice(0, 8)}</span>`}</td>
    <td>${job.kind}</td>
    <td class="num">${count(job.numberOfRecords)}</td>
    <td class="num">${bytes(job.fileSize)}</td>
    <td>${when(job.createdAt)}</td>
    <td>${when(job.finishedAt)}</td>
    <td class="wrap">${job.waiting ?? job.errorMsg ?? ''}</td>
    <td>${job.format}</td>
    <td class="wrap">${job.filter}</td>
  </tr>`;
}

export function JobsView({ overview, params }) {
  const status = params.get('status') ?? '';
  const user = params.get('user') ?? '';
  const type = params.get('type') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [page, setPage] = useState(null);
  const [users, setUsers] = useState([]);
  const [error, setError] = useState(null);
  const version = useJobCountsVersion(overview);

  useEffect(() => {
    api.get('/users').then(setUsers, () => undefined);
  }, []);
  useEffect(() => {
    const q = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
    if (status) q.set('status', status);
    if (user) q.set('user', user);
    if (type) q.set('type', type);
    let current = true;
    api.get(`/jobs?${q}`).then(([p]) => {
      if (current) {
        setPage(p);
        setError(null);
      }
    }, (e) => current && setError(e));
    return () => { current = false; };
  }, [status, user, type, offset, version]);

  const last = page ? Math.min(page.offset + page.jobs.length, page.total) : 0;
  return html`
    <h2>Jobs</h2>
    <${Filters} status=${status} user=${user} type=${type} users=${users} />
    <${ErrorNotice} error=${error} />
    ${page && html`
      <p class="muted" aria-live="polite">${page.total ? `${count(page.offset + 1)}–${count(last)} of ${count(page.total)} jobs` : 'No jobs match.'}</p>
      <div class="table-wrap"><table>
        <thead><tr>
          <th scope="col">Export ID</th><th scope="col">Status</th><th scope="col">Owner</th><th scope="col">Type</th>
          <th scope="col" class="num">Rows</th><th scope="col" class="num">Size</th><th scope="col">Created</th><th scope="col">Finished</th>
          <th scope="col">Waiting / error</th><th scope="col">Format</th><th scope="col">Filter</th>
        </tr></thead>
        <tbody>${page.jobs.map((job) => html`<${JobRow} key=${job.exportId} job=${job} />`)}</tbody>
      </table></div>
      <div class="pager">
        <button type="button" disabled=${offset === 0} onClick=${() => go({ status, user, type, offset: String(Math.max(0, offset - PAGE)) })}>Newer</button>
        <button type="button" disabled=${last >= page.total} onClick=${() => go({ status, user, type, offset: String(offset + PAGE) })}>Older</button>
      </div>`}`;
}
