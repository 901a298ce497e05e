// The emulator controls (serve --emulator-controls), one click each; the ones that cannot be
// undone (clock travel, spent quota, reset) ask first.
import { useState } from 'preact/hooks';
import { api, ErrorNotice, html, inViewerZone } from './ui.js';

function useAction() {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const run = async (path, body, question) => {
    if (question && !confirm(question)) return;
    try {
      const [r] = await api.post(path, body);
      setResult(r);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  return { result, error, run };
}

const value = (form, name) => form.elements.namedItem(name).value.trim();

export function EmulatorView({ overview }) {
  const { result, error, run } = useAction();
  const emu = overview?.emulator;
  const onSubmit = (handler) => (e) => {
    e.preventDefault();
    handler(e.currentTarget);
  };
  const travel = (by) => run('/emulator/clock', { advance: by },
    `Move the server's clock forward by ${by}? It cannot go back: tokens, quota days and files expire as if the time had passed.`);
  return html`
    <h2>Emulator controls</h2>
    <${ErrorNotice} error=${error} />
    ${result ? html`<p class="notice ok" role="status">Done: <code>${JSON.stringify(result)}</code></p>` : ''}
    <div class="controls">
      <section class="card" aria-labelledby="e-clock">
        <h3 id="e-clock">Clock</h3>
        <p>Server time ${emu ? inViewerZone(emu.now) : '…'}${emu && emu.offsetMs > 1000 ? ` (ahead by ${Math.round(emu.offsetMs / 60000)} min)` : ''}</p>
        <form onSubmit=${onSubmit((f) => travel(value(f, 'advance')))}>
          <div><label for="e-advance">Move forward by</label><input type="text" id="e-advance" name="advance" value="1d" required size="8" /></div>
          <button type="submit" class="primary">Travel</button>
          <button type="button" onClick=${() => travel('1h')}>+1 h</button>
          <button type="button" onClick=${() => travel('8d')}>+8 d</button>
        </form>
      </section>
      <section class="card" aria-labelledby="e-jobs">
        <h3 id="e-jobs">Jobs</h3>
        <p class="muted">Pending: ${emu ? `${emu.jobFaults.pendingFailures} to fail, delay ${emu.jobFaults.delayMs} ms` : '…'}</p>
        <form onSubmit=${onSubmit((f) => run('/emulator/faults/jobs', { fail: Number(value(f, 'fail')), ...(value(f, 'message') ? { message: value(f, 'message') } : {}) }))}>
          <div><label for="e-fail">Fail the next</label><input type="number" id="e-fail" name="fail" min="1" value="1" required /></div>
          <div><label for="e-message">With message</label><input type="text" id="e-message" name="message" placeholder="Export failed: injected by the emulator" /></div>
          <button type="submit">Fail jobs</button>
        </form>
        <form onSubmit=${onSubmit((f) => run('/emulator/faults/jobs', { delay: value(f, 'delay') }))}>
          <div><label for="e-delay">Delay every job by</label><input type="text" id="e-delay" name="delay" value="30s" required size="8" /></div>
          <button type="submit">Delay jobs</button>
        </form>
      </section>
      <section class="card" aria-labelledby="e-calls">
        <h3 id="e-calls">Calls</h3>
        <p class="muted">Pending: ${emu?.forcedCalls ? `${emu.forcedCalls.remaining} × ${emu.forcedCalls.code}` : 'none'}</p>
        <form onSubmit=${onSubmit((f) => run('/emulator/faults/calls', { code: value(f, 'code'), count: Number(value(f, 'count')) }))}>
          <div><label for="e-code">Answer</label><select id="e-code" name="code"><option value="606">606 rate limit</option><option value="615">615 concurrency</option></select></div>
          <div><label for="e-count">to the next</label><input type="number" id="e-count" name="count" min="1" value="3" required /></div>
          <button type="submit">Force answers</button>
        </form>
      </section>
      <section class="card" aria-labelledby="e-quota">
        <h3 id="e-quota">Export quota</h3>
        <p class="muted">${emu?.quotaExhaustedUntil ? `Spent until ${inViewerZone(emu.quotaExhaustedUntil)}` : 'Not spent by the emulator.'}</p>
        <button type="button" class="danger" onClick=${() => run('/emulator/quota/exhaust', {}, 'Spend the daily export quota? Create and enqueue answer 1029 until 00:00 America/Chicago.')}>Exhaust quota</button>
      </section>
      <section class="card" aria-labelledby="e-reset">
        <h3 id="e-reset">Start over</h3>
        <button type="button" onClick=${() => run('/emulator/faults/clear', {})}>Clear faults</button>
        <form onSubmit=${onSubmit((f) => {
          const activities = f.elements.namedItem('activities').checked;
          run('/emulator/reset', { activities }, `Delete every job, export file and token${activities ? ', and every activity' : ''}? This cannot be undone.`);
        })}>
          <label for="e-activities"><input type="checkbox" id="e-activities" name="activities" /> and every activity</label>
          <button type="submit" class="danger">Reset</button>
        </form>
      </section>
    </div>`;
}
