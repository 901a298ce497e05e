// One job: every field, why it waits, its timeline, the create body that made it, and its file
// (download, and the first lines as a table). Reloads as the live overview moves.
import { useEffect, useState } from 'preact/hooks';
import { api, bytes, count, ErrorNotice, html, statusBadge, when } from './ui.js';
import { useJobCountsVersion } from './jobs.js';

function Preview({ exportId }) {
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get(`/jobs/${encodeURIComponent(exportId)}/preview?rows=20`).then(([p]) => setPreview(p), setError);
  }, [exportId]);
  if (error) return html`<${ErrorNotice} error=${error} />`;
  if (!preview) return html`<p class="muted">Reading the file…</p>`;
  return html`<div class="table-wrap"><table class="preview">
    <caption>First ${preview.rows.length} rows${preview.truncated ? ' (more follow)' : ''}</caption>
    <thead><tr>${preview.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${preview.rows.map((row) => html`<tr>${row.map((v) => html`<td>${v.length > 120 ? `${v.slice(0, 120)}…` : v}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

export function JobDetail({ exportId, overview }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const version = useJobCountsVersion(overview);

  const load = () => api.get(`/jobs/${encodeURIComponent(exportId)}`).then(([d]) => {
    setDetail(d);
    setError(null);
  }, setError);
  useEffect(() => { load(); }, [exportId, version]);

  const cancel = async () => {
    if (!confirm(`Cancel job ${exportId}? A running export stops and its partial file is deleted.`)) return;
    await api.post(`/jobs/${encodeURIComponent(exportId)}/cancel`).then(load, setError);
  };

  if (!detail) return html`<p><a href="#/jobs">← All jobs</a></p><${ErrorNotice} error=${error} />${error ? '' : html`<p class="muted">Loading…</p>`}`;
  const { job, timeline, createBody, file, shownStatus } = detail;
  const cancellable = ['Created', 'Queued', 'Processing'].includes(job.status);
  return html`
    <p><a href="#/jobs">← All jobs</a></p>
    <h2>Job <span class="mono">${job.exportId}</span> ${statusBadge(job.status)}</h2>
    <${ErrorNotice} error=${error} />
    ${job.waiting ? html`<p class="notice" role="status">${job.waiting}</p>` : ''}
    ${shownStatus && shownStatus !== job.status
      ? html`<p class="notice" role="status">Its owner still sees ${shownStatus} in status.json: with Marketo's timing a job's status refreshes once a minute.</p>` : ''}
    ${job.errorMsg ? html`<p class="notice error">${job.errorMsg}</p>` : ''}
    <div class="detail">
      <section class="card" aria-labelledby="d-fields">
        <h3 id="d-fields">Job</h3>
        <dl>
          <dt>Type</dt><dd>${job.kind}</dd>
          <dt>Owner</dt><dd>${job.ownerName ?? '(deleted user)'} <span class="mono muted">${job.owner}</span></dd>
          <dt>Format</dt><dd>${job.format}</dd>
          <dt>Filter</dt><dd>${job.filter}</dd>
          <dt>Rows</dt><dd>${count(job.numberOfRecords)}</dd>
          <dt>Size</dt><dd>${bytes(job.fileSize)}</dd>
          <dt>Checksum</dt><dd class="mono">${job.fileChecksum ?? '—'}</dd>
        </dl>
        ${cancellable ? html`<p><button type="button" class="danger" onClick=${cancel}>Cancel job</button></p>` : ''}
      </section>
      <section class="card" aria-labelledby="d-timeline">
        <h3 id="d-timeline">Timeline</h3>
        <ol class="timeline">${timeline.map((t) => html`<li>${t.step}: ${when(t.at)}</li>`)}</ol>
      </section>
      <section class="card" aria-labelledby="d-body">
        <h3 id="d-body">Create body</h3>
        <pre>${JSON.stringify(createBody, null, 2)}</pre>
      </section>
      <section class="card" aria-labelledby="d-file">
        <h3 id="d-file">File</h3>
        ${file.available
          ? html`<p><a class="download" href=${api.fileUrl(job.exportId)} download>Download (${bytes(file.size)})</a>
              <span class="muted"> · kept until ${when(file.expiresAt)}</span></p>`
          : html`<p class="muted">${job.status === 'Completed' ? 'The file has expired.' : 'No file until the job completes.'}</p>`}
      </section>
    </div>
    ${file.available ? html`<h3>Preview</h3><${Preview} exportId=${job.exportId} />` : ''}`;
}
