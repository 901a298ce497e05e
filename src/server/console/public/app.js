// The console's page: a header with the server's clock and the live stream's state, tabs, and
// the view the address names (#/jobs, #/jobs/<id>, #/users, #/data, #/emulator).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ErrorNotice, html, setCsrfToken } from './ui.js';
import { OverviewView } from './overview.js';
import { JobsView } from './jobs.js';
import { JobDetail } from './job-detail.js';
import { UsersView } from './users.js';
import { DataView } from './data.js';
import { EmulatorView } from './emulator.js';

const TABS = [['overview', 'Overview'], ['jobs', 'Jobs'], ['users', 'API users'], ['data', 'Data'], ['emulator', 'Emulator']];

function routeOf(hash) {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [tab = 'overview', id] = path.split('/');
  return { tab: TABS.some(([t]) => t === tab) ? tab : 'overview', id: id ? decodeURIComponent(id) : undefined, params: new URLSearchParams(query) };
}

/** The overview from the live stream; `live` says whether the stream is connected. */
function useLiveOverview() {
  const [overview, setOverview] = useState(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource(api.eventsUrl);
    source.addEventListener('overview', (e) => {
      setOverview(JSON.parse(e.data));
      setLive(true);
    });
    source.onerror = () => {
      setLive(false);
      // A refused stream (the session ended) is not retried by the browser: find out why.
      if (source.readyState === EventSource.CLOSED) api.get('/session').catch(() => undefined);
    };
    return () => source.close();
  }, []);
  return { overview, live };
}

/** The server's clock, ticking here between updates (the emulator may have moved it). */
function ServerClock({ offsetMs }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const server = new Date(now + (offsetMs ?? 0));
  const travelled = Math.abs(offsetMs ?? 0) > 5000;
  return html`<span class="clock" aria-label="Server time">Server time ${server.toLocaleString()}
    ${travelled ? html` <span class="travel" title="The emulator moved the clock">+${Math.round(offsetMs / 3_600_000)} h</span>` : ''}</span>`;
}

function App() {
  const [route, setRoute] = useState(routeOf(location.hash));
  const [session, setSession] = useState(null);
  const [error, setError] = useState(null);
  const { overview, live } = useLiveOverview();

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    api.get('/session').then(([s]) => {
      setCsrfToken(s.csrfToken);
      setSession(s);
    }, setError);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const signOut = async () => {
    await api.post('/sign-out').catch(() => undefined);
    location.assign('/console/sign-in');
  };
  const tabs = TABS.filter(([t]) => t !== 'emulator' || session?.emulatorControls);
  const views = {
    overview: () => html`<${OverviewView} overview=${overview} session=${session} />`,
    jobs: () => (route.id ? html`<${JobDetail} exportId=${route.id} overview=${overview} />` : html`<${JobsView} overview=${overview} params=${route.params} />`),
    users: () => html`<${UsersView} overview=${overview} />`,
    data: () => html`<${DataView} />`,
    emulator: () => (session?.emulatorControls ? html`<${EmulatorView} overview=${overview} />` : html`<p>The emulator controls are off (serve --emulator-controls).</p>`),
  };
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <h1>Tidemark console</h1>
      <${ServerClock} offsetMs=${overview?.clockOffsetMs} />
      <span class=${`live${live ? ' on' : ''}`} role="status">${live ? 'Live' : 'Connecting…'}</span>
      <span class="spacer"></span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    <nav class="tabs" aria-label="Console sections">
      ${tabs.map(([t, label]) => html`<a href=${`#/${t}`} aria-current=${route.tab === t ? 'page' : undefined}>${label}</a>`)}
    </nav>
    <main id="main" tabindex="-1">
      <${ErrorNotice} error=${error} />
      ${session ? views[route.tab]() : html`<p class="muted">Loading…</p>`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
