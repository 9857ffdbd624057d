/**
 * The dashboard's HTML: one self-contained page (styles and script inline, charts drawn as inline
 * SVG), so it makes no request beyond this Worker's own `/api/…`. The script fills it from
 * `/api/databases` and `/api/databases/{id}/samples`, writing data only through `textContent`
 * and SVG attributes, never as HTML. `nonce` must match the response's Content-Security-Policy.
 */
export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Waddle · database sizes</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>Database sizes</h1>
  <p id="summary" aria-live="polite">Loading…</p>
</header>
<main>
  <section id="list">
    <div class="toolbar">
      <label>Filter <input id="filter" type="search" placeholder="name or D1 id" autocomplete="off"></label>
      <span id="shown"></span>
      <button id="sample-now" type="button" title="Run one sampling tick now instead of waiting for the cron">Sample now</button>
    </div>
    <table id="databases">
      <thead><tr>
        <th>Database</th><th class="num">Size</th><th>Of limit</th><th class="num">Growth / day</th><th class="num">Days to full</th><th>Last 7 days</th><th>Status</th><th class="num" title="The waddle's files in the attachment bucket, apart from its database">Attachments</th><th title="Its place among the waddle's message shards; the one taking new messages shows how near the shard threshold it is">Messages</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <aside>
    <section id="detail">
      <h2 id="detail-title">Select a database</h2>
      <p id="detail-facts" class="muted">Click a row to see its growth.</p>
      <div id="detail-chart"></div>
    </section>
    <section>
      <h2>Alerts sent</h2>
      <table id="alerts">
        <thead><tr><th>When</th><th>Database</th><th>Level</th><th class="num">Size</th><th>Webhook</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
  </aside>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const STYLE = `
:root { --ok: #1a7f37; --warning: #b35900; --critical: #c62828; --unknown: #6e7781; --line: #d0d7de; --bg: #f6f8fa; --ink: #1f2328; --muted: #59636e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); display: flex; align-items: baseline; gap: 20px; flex-wrap: wrap; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 8px; }
#summary { margin: 0; color: var(--muted); }
#summary b { color: var(--ink); }
main { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 16px; padding: 16px 20px; align-items: start; }
@media (max-width: 1100px) { main { grid-template-columns: 1fr; } }
section, aside > section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
aside { display: grid; gap: 16px; position: sticky; top: 16px; min-width: 0; }
aside table { font-size: 13px; }
#alerts td { white-space: normal; }
#alerts td.num, #alerts td:first-child, #alerts .badge { white-space: nowrap; }
.toolbar { display: flex; gap: 12px; align-items: center; margin-bottom: 8px; }
.toolbar button { margin-left: auto; font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 4px; background: #f6f8fa; cursor: pointer; }
.toolbar input { font: inherit; padding: 4px 8px; width: 240px; border: 1px solid var(--line); border-radius: 4px; }
.muted, #shown { color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); padding: 4px 6px; position: sticky; top: 0; background: #fff; }
td { padding: 5px 6px; border-bottom: 1px solid #eaeef2; vertical-align: middle; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
#databases tbody tr { cursor: pointer; }
#databases tbody tr:hover { background: #f3f6fa; }
#databases tbody tr.selected { background: #ddf4ff; }
.name { font-weight: 600; }
.id { color: var(--muted); font-size: 12px; }
.bar { width: 120px; height: 10px; background: #eaeef2; border-radius: 5px; position: relative; display: inline-block; vertical-align: middle; margin-right: 6px; }
.bar span { position: absolute; inset: 0 auto 0 0; border-radius: 5px; }
.pct { font-variant-numeric: tabular-nums; display: inline-block; width: 48px; text-align: right; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.ok { background: var(--ok); } .warning { background: var(--warning); } .critical { background: var(--critical); } .unknown { background: var(--unknown); }
.error { color: var(--critical); font-size: 12px; display: block; white-space: normal; max-width: 220px; }
svg { display: block; }
#detail-chart svg text { font-size: 11px; fill: var(--muted); }
`;

const SCRIPT = `
const SVG = 'http://www.w3.org/2000/svg';
const state = { data: null, selected: null, sparklines: new Map() };
const $ = (id) => document.getElementById(id);

function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0; let v = Math.abs(n);
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (n < 0 ? '-' : '') + (v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
}
function days(d) { return d === null || d === undefined ? '–' : d < 1 ? '< 1' : d >= 1000 ? '> 999' : Math.round(d).toString(); }
function when(ms) { return ms ? new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'never'; }
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}
function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function chart(samples, width, height, options) {
  const svg = svgEl('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: options.className });
  svg.setAttribute('aria-label', options.label);
  if (samples.length === 0) {
    const t = svgEl('text', { x: 4, y: height / 2 + 4 }); t.textContent = 'no samples'; svg.append(t); return svg;
  }
  const pad = options.axes ? { l: 56, r: 8, t: 8, b: 20 } : { l: 1, r: 1, t: 2, b: 2 };
  const xs = samples.map((s) => s.sampledAt), ys = samples.map((s) => s.sizeBytes);
  let x0 = Math.min(...xs), x1 = Math.max(...xs); if (x1 === x0) { x0 -= 1; x1 += 1; }
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (options.limits) for (const l of options.limits) if (l.bytes <= y1 * 1.2) y1 = Math.max(y1, l.bytes);
  if (y1 === y0) { y0 = y0 * 0.98; y1 = y1 * 1.02 + 1; }
  const X = (x) => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y) => height - pad.b - ((y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  if (options.axes) {
    for (const frac of [0, 0.5, 1]) {
      const v = y0 + (y1 - y0) * frac;
      svg.append(svgEl('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), stroke: '#eaeef2' }));
      const t = svgEl('text', { x: pad.l - 4, y: Y(v) + 4, 'text-anchor': 'end' }); t.textContent = bytes(v); svg.append(t);
    }
    const left = svgEl('text', { x: pad.l, y: height - 4 }); left.textContent = new Date(x0).toLocaleDateString(); svg.append(left);
    const right = svgEl('text', { x: width - pad.r, y: height - 4, 'text-anchor': 'end' }); right.textContent = new Date(x1).toLocaleString(); svg.append(right);
    for (const l of options.limits || []) {
      if (l.bytes < y0 || l.bytes > y1) continue;
      svg.append(svgEl('line', { x1: pad.l, x2: width - pad.r, y1: Y(l.bytes), y2: Y(l.bytes), stroke: l.color, 'stroke-dasharray': '4 3' }));
    }
  }
  const points = samples.map((s) => X(s.sampledAt).toFixed(1) + ',' + Y(s.sizeBytes).toFixed(1)).join(' ');
  svg.append(svgEl('polyline', { points, fill: 'none', stroke: options.color, 'stroke-width': options.axes ? 2 : 1.5 }));
  const last = samples[samples.length - 1];
  svg.append(svgEl('circle', { cx: X(last.sampledAt), cy: Y(last.sizeBytes), r: options.axes ? 3 : 2, fill: options.color }));
  return svg;
}

const COLORS = { ok: '#1a7f37', warning: '#b35900', critical: '#c62828', unknown: '#6e7781' };

async function samplesOf(id, points) {
  const response = await fetch('/api/databases/' + encodeURIComponent(id) + '/samples?points=' + points, { credentials: 'same-origin' });
  if (!response.ok) throw new Error('samples: ' + response.status);
  return (await response.json()).samples;
}

const sparkQueue = [];
let sparkRunning = 0;
function queueSparkline(cell, db) {
  sparkQueue.push([cell, db]);
  pumpSparklines();
}
function pumpSparklines() {
  while (sparkRunning < 4 && sparkQueue.length > 0) {
    const [cell, db] = sparkQueue.shift();
    sparkRunning++;
    samplesOf(db.d1DatabaseId, 48)
      .then((samples) => { cell.replaceChildren(chart(samples, 120, 28, { color: COLORS[db.status], label: 'growth of ' + db.name, className: 'sparkline' })); })
      .catch(() => { cell.textContent = '–'; })
      .finally(() => { sparkRunning--; pumpSparklines(); });
  }
}
const sparkObserver = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    sparkObserver.unobserve(entry.target);
    queueSparkline(entry.target, entry.target.database);
  }
});

function renderSummary(data) {
  const count = (s) => data.databases.filter((d) => d.status === s).length;
  const errors = data.databases.filter((d) => d.sampleError).length;
  const summary = $('summary');
  summary.replaceChildren(
    el('b', { textContent: String(data.databases.length) }), ' databases · limit ' + bytes(data.limitBytes) +
    ' · warning at ' + data.warningPercent + ' % (or full within ' + data.projectionHorizonDays + ' days) · critical at ' + data.criticalPercent + ' % · new message shard at ' + bytes(data.shardThresholdBytes) + ' · ',
    el('b', { textContent: String(count('critical')) }), ' critical, ', el('b', { textContent: String(count('warning')) }), ' warning, ',
    el('b', { textContent: String(errors) }), ' not reachable · updated ' + new Date(data.generatedAt).toLocaleTimeString(),
  );
}

function renderRows() {
  const data = state.data;
  const term = $('filter').value.trim().toLowerCase();
  const rows = data.databases.filter((d) => !term || d.name.toLowerCase().includes(term) || d.d1DatabaseId.toLowerCase().includes(term));
  $('shown').textContent = rows.length === data.databases.length ? '' : rows.length + ' of ' + data.databases.length + ' shown';
  const body = document.querySelector('#databases tbody');
  if (data.databases.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colSpan: 9, className: 'muted', textContent: 'No samples yet: the sampling cron runs every few minutes, or use Sample now.' })));
    return;
  }
  body.replaceChildren(...rows.map((db) => {
    const pct = db.percentOfLimit;
    const bar = el('span', { className: 'bar' }, el('span', { className: db.status }));
    bar.firstChild.style.width = Math.min(100, pct ?? 0) + '%';
    const spark = el('td', { className: 'spark' });
    spark.database = db;
    sparkObserver.observe(spark);
    const status = el('td', {}, el('span', { className: 'badge ' + db.status, textContent: db.status }));
    if (db.sampleError) status.append(el('span', { className: 'error', textContent: 'last sample failed: ' + db.sampleError }));
    const tr = el('tr', {},
      el('td', {}, el('span', { className: 'name', textContent: db.name }), el('br'), el('span', { className: 'id', textContent: db.d1DatabaseId })),
      el('td', { className: 'num', textContent: bytes(db.sizeBytes) }),
      el('td', {}, bar, el('span', { className: 'pct', textContent: pct === null ? '–' : pct.toFixed(1) + ' %' })),
      el('td', { className: 'num', textContent: db.growthBytesPerDay === null ? '–' : bytes(db.growthBytesPerDay) }),
      el('td', { className: 'num', textContent: days(db.daysToFull) }),
      spark,
      status,
      el('td', { className: 'num', textContent: db.attachments === null ? '–' : bytes(db.attachments.bytes), title: db.attachments === null ? '' : db.attachments.objects + ' files' }),
      el('td', { className: 'shard', textContent: shardText(db.messageShard), title: db.messageShard === null ? '' : 'waddle ' + db.messageShard.waddleId + ', messages from id ' + db.messageShard.firstMessageId }),
    );
    tr.dataset.id = db.d1DatabaseId;
    tr.dataset.status = db.status;
    if (db.d1DatabaseId === state.selected) tr.classList.add('selected');
    tr.addEventListener('click', () => select(db));
    return tr;
  }));
}

function shardText(shard) {
  if (shard === null) return '–';
  return shard.state + (shard.percentOfThreshold === null ? '' : ' · ' + shard.percentOfThreshold.toFixed(1) + ' % of threshold');
}

async function select(db) {
  state.selected = db.d1DatabaseId;
  for (const tr of document.querySelectorAll('#databases tbody tr')) tr.classList.toggle('selected', tr.dataset.id === db.d1DatabaseId);
  $('detail-title').textContent = db.name + ' (' + db.d1DatabaseId + ')';
  $('detail-facts').textContent = bytes(db.sizeBytes) + ' · ' + (db.percentOfLimit ?? '–') + ' % of the limit · ' +
    (db.growthBytesPerDay === null ? 'growth unknown' : bytes(db.growthBytesPerDay) + ' per day') + ' · full in ' + days(db.daysToFull) + ' days · sampled ' + when(db.sampledAt) +
    ' · optimized ' + when(db.optimizedAt) + (db.sampleError ? ' · last sample failed: ' + db.sampleError : '');
  const samples = await samplesOf(db.d1DatabaseId, 400);
  const limits = [
    { bytes: state.data.limitBytes * state.data.warningPercent / 100, color: COLORS.warning },
    { bytes: state.data.limitBytes * state.data.criticalPercent / 100, color: COLORS.critical },
  ];
  $('detail-chart').replaceChildren(chart(samples, 376, 200, { color: COLORS[db.status], label: 'size of ' + db.name + ' over the last 7 days', axes: true, limits, className: 'detail' }));
}

function renderAlerts(alerts) {
  const body = document.querySelector('#alerts tbody');
  if (alerts.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colSpan: 5, className: 'muted', textContent: 'No alerts sent.' }))); return; }
  body.replaceChildren(...alerts.map((a) => el('tr', {},
    el('td', { textContent: new Date(a.at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) }),
    el('td', { textContent: a.name }),
    el('td', {}, el('span', { className: 'badge ' + a.level, textContent: a.level, title: a.reason === 'projection' ? 'projected to be full within the horizon' : 'size at or above the threshold' }), a.reason === 'projection' ? el('span', { className: 'id', textContent: ' projected' }) : ''),
    el('td', { className: 'num', textContent: a.percentOfLimit + ' %' }),
    el('td', { textContent: { delivered: 'sent', failed: 'failed', 'not-configured': 'no webhook' }[a.delivery] || a.delivery }),
  )));
}

async function load() {
  const response = await fetch('/api/databases', { credentials: 'same-origin' });
  if (!response.ok) { $('summary').textContent = 'Could not load: ' + response.status; return; }
  state.data = await response.json();
  renderSummary(state.data);
  renderRows();
  renderAlerts(state.data.alerts);
  document.body.dataset.loaded = 'true';
}

$('filter').addEventListener('input', renderRows);
$('sample-now').addEventListener('click', async () => {
  const button = $('sample-now');
  button.disabled = true;
  button.textContent = 'Sampling…';
  try {
    const response = await fetch('/api/sample', { method: 'POST', credentials: 'same-origin' });
    const report = await response.json();
    button.title = response.ok ? report.measured + ' measured, ' + report.failed.length + ' failed, ' + report.alertsSent + ' alerts' : 'failed: ' + response.status;
    await load();
  } finally {
    button.disabled = false;
    button.textContent = 'Sample now';
  }
});
load();
setInterval(load, 60000);
`;
