// The data: records per day and per type over the stored range as a stacked bar chart (one
// series per kind of record), the types' totals, and the catalog the look-ups use.
import { useEffect, useState } from 'preact/hooks';
import { api, count, ErrorNotice, html } from './ui.js';

// Okabe-Ito: told apart with every common colour-vision deficiency; grey for the rest.
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const OTHER = '#9aa4ad';

function Chart({ series }) {
  if (!series.days.length) return html`<p class="muted">No ${series.label.toLowerCase()} stored.</p>`;
  const top = series.types.slice(0, COLOURS.length);
  const colourOf = new Map(top.map((t, i) => [String(t.id), COLOURS[i]]));
  const max = Math.max(...series.days.map((d) => d.total));
  // Drawn in a box 10 units a day by 100 high and stretched to the card (CSS fixes the height).
  // Each bar stands at its own date, so days without records leave a gap rather than vanish.
  const barW = 8;
  const gap = 2;
  const height = 100;
  const dayOf = (d) => Math.round(Date.parse(`${d.day}T00:00:00Z`) / 86_400_000);
  const firstDay = dayOf(series.days[0]);
  const width = (dayOf(series.days[series.days.length - 1]) - firstDay + 1) * (barW + gap);
  const bars = series.days.map((d) => {
    const x = (dayOf(d) - firstDay) * (barW + gap);
    let y = height;
    const parts = [...top.map((t) => [String(t.id), d.byType[t.id] ?? 0]), ['other', d.total - top.reduce((n, t) => n + (d.byType[t.id] ?? 0), 0)]];
    return html`<g><title>${d.day}: ${count(d.total)}</title>${parts.filter(([, n]) => n > 0).map(([id, n]) => {
      const h = (n / max) * height;
      y -= h;
      return html`<rect x=${x} y=${y} width=${barW} height=${h} fill=${colourOf.get(id) ?? OTHER} />`;
    })}</g>`;
  });
  const first = series.days[0].day;
  const last = series.days[series.days.length - 1].day;
  return html`<figure class="chart card">
    <figcaption><strong>${series.label} per day</strong>${series.note ? html` <span class="muted">(${series.note})</span>` : ''}, ${first} to ${last}: ${count(series.total)} in all, peak ${count(max)} a day</figcaption>
    <div class="plot"><span class="muted y-max">${count(max)}</span>
      <svg viewBox=${`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label=${`${series.label} per day from ${first} to ${last}, stacked by type`}>${bars}</svg>
      <div class="x-axis muted"><span>${first}</span><span>${last}</span></div></div>
    <ul class="legend">${top.map((t, i) => html`<li><i style=${{ background: COLOURS[i] }}></i>${t.name} (${count(t.total)})</li>`)}
      ${series.types.length > top.length ? html`<li><i style=${{ background: OTHER }}></i>other types</li>` : ''}</ul>
    <details><summary>The numbers</summary>
      <div class="table-wrap"><table><thead><tr><th scope="col">Day</th><th scope="col" class="num">${series.label}</th></tr></thead>
        <tbody>${series.days.map((d) => html`<tr><td>${d.day}</td><td class="num">${count(d.total)}</td></tr>`)}</tbody></table></div>
    </details>
  </figure>`;
}

function AssetList({ title, items, render }) {
  return html`<section class="card"><h3>${title} (${items.length})</h3>
    ${items.length ? html`<ul>${items.slice(0, 50).map((a) => html`<li>${render(a)}</li>`)}</ul>` : html`<p class="muted">None.</p>`}
    ${items.length > 50 ? html`<p class="muted">and ${items.length - 50} more</p>` : ''}</section>`;
}

export function DataView() {
  const [data, setData] = useState(null);
  const [catalog, setCatalog] = useState(null);
  const [error, setError] = useState(null);
  const load = (fresh) => api.get(`/data/series${fresh ? '?fresh=1' : ''}`).then(([d]) => setData(d), setError);
  useEffect(() => {
    load(false);
    api.get('/data/catalog').then(([c]) => setCatalog(c), setError);
  }, []);
  return html`
    <h2>Data</h2>
    <${ErrorNotice} error=${error} />
    ${data && html`<p class="muted">Counted ${new Date(data.countedAt).toLocaleTimeString()} <button type="button" class="link" onClick=${() => load(true)}>count again</button></p>
      ${data.series.map((s) => html`<${Chart} key=${s.kind} series=${s} />`)}
      ${data.series.filter((s) => s.types.length > 1).map((s) => html`<div class="table-wrap"><table><caption>${s.label} per type</caption>
        <thead><tr><th scope="col">Type id</th><th scope="col">Name</th><th scope="col" class="num">Records</th></tr></thead>
        <tbody>${s.types.map((t) => html`<tr><td>${t.id}</td><td>${t.name}</td><td class="num">${count(t.total)}</td></tr>`)}</tbody></table></div>`)}`}
    ${catalog && html`<h2>Catalog</h2><div class="cards">
      <${AssetList} title="Programs" items=${catalog.programs} render=${(a) => html`${a.name} <span class="muted">#${a.id}</span>`} />
      <${AssetList} title="Static lists" items=${catalog.staticLists} render=${(a) => html`${a.qualifiedName} <span class="muted">#${a.id}</span>`} />
      <${AssetList} title="Forms" items=${catalog.forms} render=${(a) => html`${a.qualifiedName} <span class="muted">#${a.id}</span>`} />
      <${AssetList} title="Lead fields" items=${catalog.leadFields} render=${(a) => html`${a.name} <span class="muted">#${a.id}</span>`} />
      <${AssetList} title="Custom activity types" items=${catalog.customActivityTypes} render=${(t) => html`${t.name} <span class="mono muted">${t.apiName} · #${t.id}</span>`} />
    </div>`}`;
}
