// The server at a glance: jobs by status, processing slots, today's export quota, and calls
// against the rate, concurrency and daily limits, in total and per API user.
import { bytes, count, html, inChicago, inViewerZone, viewerZone } from './ui.js';

const STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'];

function Meter({ used, limit, label }) {
  if (!limit) return null;
  const share = Math.min(1, used / limit);
  const level = share >= 1 ? ' full' : share >= 0.8 ? ' high' : '';
  return html`<div class=${`meter${level}`} role="meter" aria-label=${label} aria-valuemin="0" aria-valuemax=${limit} aria-valuenow=${Math.min(used, limit)}>
    <span style=${{ width: `${(share * 100).toFixed(1)}%` }}></span></div>`;
}

export function QuotaCard({ quota }) {
  return html`<section class="card" aria-labelledby="quota-h">
    <h3 id="quota-h">Export quota today</h3>
    <div class="big">${bytes(quota.usedBytes)} <span class="muted">of ${quota.limitBytes ? bytes(quota.limitBytes) : 'unlimited'}</span></div>
    <${Meter} used=${quota.usedBytes} limit=${quota.limitBytes} label="Export quota used" />
    <dl>
      <dt>Left</dt><dd>${quota.leftBytes === null ? 'unlimited' : bytes(quota.leftBytes)}${quota.spent ? html` <strong class="s-Failed">spent${quota.exhaustedByEmulator ? ' (emulator)' : ''}</strong>` : ''}</dd>
      <dt>Resets</dt><dd>${inViewerZone(quota.resetsAt)} <span class="muted">(${viewerZone})</span></dd>
      <dt></dt><dd>${inChicago(quota.resetsAt)} <span class="muted">(America/Chicago)</span></dd>
    </dl>
  </section>`;
}

function CallsCard({ calls }) {
  const rate = calls.rate ? `${count(calls.inWindow)} of ${calls.rate.calls} in ${calls.rate.seconds} s` : 'off';
  return html`<section class="card" aria-labelledby="calls-h">
    <h3 id="calls-h">API calls</h3>
    <div class="big">${count(calls.today)} <span class="muted">today of ${calls.dailyLimit ? count(calls.dailyLimit) : 'unlimited'}</span></div>
    <${Meter} used=${calls.today} limit=${calls.dailyLimit} label="Daily calls used" />
    <dl>
      <dt>Rate window</dt><dd>${rate}</dd>
      <dt>In flight</dt><dd>${count(calls.inFlight)} of ${calls.maxInFlight ?? 'unlimited'}</dd>
      <dt>Counted</dt><dd>${calls.countedIn === 'store' ? 'across every process (shared store)' : 'in this process'}</dd>
    </dl>
    ${calls.perUser.length ? html`<div class="table-wrap"><table>
      <caption>Calls today per API user</caption>
      <thead><tr><th scope="col">User</th><th scope="col" class="num">Calls</th></tr></thead>
      <tbody>${calls.perUser.map((u) => html`<tr><td>${u.name}</td><td class="num">${count(u.count)}</td></tr>`)}</tbody>
    </table></div>` : html`<p class="muted">No API calls yet today.</p>`}
  </section>`;
}

export function OverviewView({ overview, session }) {
  if (!overview) return html`<p class="muted">Waiting for the live stream…</p>`;
  const { jobs, slots } = overview;
  const total = STATUSES.reduce((n, s) => n + jobs[s], 0);
  return html`
    <h2>Overview</h2>
    <div class="cards">
      <section class="card" aria-labelledby="jobs-h">
        <h3 id="jobs-h">Jobs</h3>
        <div class="big">${count(total)}</div>
        <dl>${STATUSES.map((s) => html`<dt><a href=${`#/jobs?status=${s}`}>${s}</a></dt><dd>${count(jobs[s])}</dd>`)}</dl>
      </section>
      <section class="card" aria-labelledby="slots-h">
        <h3 id="slots-h">Processing slots</h3>
        <div class="big">${slots.processing} <span class="muted">of ${slots.maxProcessing} busy</span></div>
        <${Meter} used=${slots.processing} limit=${slots.maxProcessing} label="Processing slots busy" />
        <dl>
          <dt>Waiting</dt><dd>${count(jobs.Queued)} queued</dd>
          <dt>Queue limit</dt><dd>${slots.queuedAndProcessing} of ${slots.maxQueued} queued or processing</dd>
        </dl>
      </section>
      <${QuotaCard} quota=${overview.exportQuota} />
      <${CallsCard} calls=${overview.calls} />
      <section class="card" aria-labelledby="users-h">
        <h3 id="users-h">API users</h3>
        <div class="big">${overview.users.total}</div>
        <dl><dt>Disabled</dt><dd>${overview.users.disabled}</dd></dl>
        <p><a href="#/users">Manage API users</a></p>
      </section>
      ${session ? html`<section class="card" aria-labelledby="server-h">
        <h3 id="server-h">Server</h3>
        <dl>
          <dt>Store</dt><dd>${session.settings.store}</dd>
          <dt>Role</dt><dd>${session.settings.role}</dd>
          <dt>Files kept</dt><dd>${session.settings.fileRetentionDays} days</dd>
          <dt>Emulator</dt><dd>${session.emulatorControls ? html`<a href="#/emulator">controls on</a>` : 'controls off'}</dd>
        </dl>
      </section>` : ''}
    </div>`;
}
