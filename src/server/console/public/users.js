// API users: list with today's calls, create (the secret is shown here once, with a copy
// button), disable, and change the role (a set of Marketo API permissions).
import { useEffect, useState } from 'preact/hooks';
import { api, count, ErrorNotice, html, when } from './ui.js';

const PERMISSIONS = ['read-only-activity', 'read-write-activity', 'read-only-assets', 'read-write-assets', 'read-only-lead', 'read-write-lead'];

function RolePicker({ idPrefix, value, onChange }) {
  const chosen = new Set(value === 'none' ? [] : value.split(',').filter(Boolean));
  const toggle = (p) => {
    const next = new Set(chosen);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    onChange(next.size ? PERMISSIONS.filter((x) => next.has(x)).join(',') : 'none');
  };
  return html`<fieldset><legend>Permissions</legend>
    ${PERMISSIONS.map((p) => html`<label for=${`${idPrefix}-${p}`}><input type="checkbox" id=${`${idPrefix}-${p}`} checked=${chosen.has(p)} onChange=${() => toggle(p)} />${p}</label>`)}
  </fieldset>`;
}

function NewSecret({ created, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(created.clientSecret);
    setCopied(true);
  };
  return html`<div class="notice ok" role="alert">
    <p><strong>Created ${created.name}.</strong> Copy the secret now: it is stored only as a hash and cannot be shown again.</p>
    <p class="secret">client id <code>${created.clientId}</code></p>
    <p class="secret">client secret <code data-secret>${created.clientSecret}</code>
      <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy secret'}</button></p>
    <button type="button" onClick=${onDone}>Done</button>
  </div>`;
}

function CreateUser({ onCreated }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('read-only-activity');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      const [created] = await api.post('/users', { name, role });
      setName('');
      setError(null);
      onCreated(created);
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="new-user-h">
    <h3 id="new-user-h">New API user</h3>
    <div class="toolbar">
      <div><label for="new-name">Name</label><input type="text" id="new-name" required maxlength="200" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></div>
      <${RolePicker} idPrefix="new" value=${role} onChange=${setRole} />
      <button type="submit" class="primary">Create user</button>
    </div>
    <${ErrorNotice} error=${error} />
  </form>`;
}

function UserRow({ user, onChanged, onError }) {
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState(user.role);
  const disable = async () => {
    if (!confirm(`Disable ${user.name}? Its tokens stop working at once, and it cannot get new ones.`)) return;
    await api.post(`/users/${encodeURIComponent(user.clientId)}/disable`).then(onChanged, onError);
  };
  const save = async () => {
    await api.post(`/users/${encodeURIComponent(user.clientId)}/role`, { role }).then(() => {
      setEditing(false);
      onChanged();
    }, onError);
  };
  return html`<tr data-client-id=${user.clientId}>
    <td>${user.name}</td>
    <td class="mono">${user.clientId}</td>
    <td class="wrap">${editing ? html`<${RolePicker} idPrefix=${`role-${user.clientId}`} value=${role} onChange=${setRole} />
      <button type="button" class="primary" onClick=${save}>Save role</button> <button type="button" onClick=${() => setEditing(false)}>Cancel</button>`
      : html`${user.role} <button type="button" class="link" onClick=${() => setEditing(true)} aria-label=${`Change the role of ${user.name}`}>change</button>`}</td>
    <td>${user.disabled ? html`<span class="badge s-Failed">disabled</span>` : html`<span class="badge s-Completed">active</span>`}</td>
    <td>${when(user.createdAt)}</td>
    <td class="num">${count(user.callsToday)}</td>
    <td>${user.disabled ? '' : html`<button type="button" class="danger" onClick=${disable} aria-label=${`Disable ${user.name}`}>Disable</button>`}</td>
  </tr>`;
}

export function UsersView({ overview }) {
  const [users, setUsers] = useState(null);
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api.get('/users').then(setUsers, setError);
  useEffect(() => { load(); }, [overview?.users.version]);
  return html`
    <h2>API users</h2>
    ${created ? html`<${NewSecret} created=${created} onDone=${() => setCreated(null)} />` : html`<${CreateUser} onCreated=${(u) => { setCreated(u); load(); }} />`}
    <${ErrorNotice} error=${error} />
    ${users && html`<div class="table-wrap"><table>
      <caption>${users.length} API users</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Role</th><th scope="col">State</th>
        <th scope="col">Created</th><th scope="col" class="num">Calls today</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${users.map((u) => html`<${UserRow} key=${u.clientId} user=${u} onChanged=${load} onError=${setError} />`)}</tbody>
    </table></div>`}`;
}
