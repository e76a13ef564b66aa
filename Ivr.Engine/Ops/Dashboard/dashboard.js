// The Ivr live dashboard: one EventSource on /api/events (a status report every second), the last 15 minutes from
// /api/history, flows and their SVG graphs from /api/flows, timelines from /api/calls/{id}, drain via POST /api/drain.
'use strict';

const HISTORY_SECONDS = 15 * 60;
const COLORS = ['#2563eb', '#d97706', '#16a34a', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
const history = [];
let selectedCall = null;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const sum = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);
const secs = (s) => s == null ? '–' : s < 90 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
// A call's age in a compact form that fits its column: 42 s, 3:07, 1:02:09.
const age = (s) => {
  const t = Math.max(0, Math.round(s));
  const p2 = (n) => String(n).padStart(2, '0');
  return t < 60 ? `${t} s` : t < 3600 ? `${Math.floor(t / 60)}:${p2(t % 60)}` : `${Math.floor(t / 3600)}:${p2(Math.floor(t / 60) % 60)}:${p2(t % 60)}`;
};
const pct = (r) => r == null ? '–' : `${(r * 100).toFixed(1)} %`;
const time = (iso) => new Date(iso).toLocaleTimeString();
// Large counters shortened so a tile keeps one line: 12 345 678 → 12.3 M.
const compact = (n) => n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} k` : String(n);
// One figure with its unit, never broken across lines (the CSS keeps .fig on one line).
const fig = (text, attrs = {}) => el('span', { ...attrs, class: 'fig' + (attrs.class ? ' ' + attrs.class : '') }, text);
// Several figures in one cell: lines may break between them, never inside one.
const figs = (parts, separator = ' · ') => parts.flatMap((p, i) => (i === 0 ? [fig(p)] : [separator, fig(p)]));

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== String(text)) node.textContent = text;
}

function renderStatus(s) {
  document.body.classList.remove('loading');
  const state = $('node-state');
  state.textContent = s.node.draining ? 'draining' : s.node.ready ? 'ready' : 'not ready';
  state.className = 'badge ' + (s.node.draining ? 'draining' : s.node.ready ? 'ready' : 'down');
  setText('node-name', s.node.name);
  if (document.title !== `Ivr ${s.node.name} — live`) document.title = `Ivr ${s.node.name} — live`;
  setText('node-detail', `SIP ${s.node.sipEndPoints.join(' ')} · ${s.node.flowsLoaded} flows`);
  setText('clock', time(s.at));
  const c = s.calls;
  setText('calls-active', c.active);
  setText('calls-started', c.started);
  setText('calls-answered', c.answered);
  setText('calls-queued', c.byState.queued || 0);
  setText('calls-abandoned', s.flows.reduce((n, f) => n + sum(f.abandoned), 0));
  setText('calls-ended', sum(c.ended));
  setText('calls-failed', c.failed);
  setText('calls-rejected', sum(c.rejected));
  setText('media-rtp', `${compact(s.media.packetsReceived)} / ${compact(s.media.packetsSent)}`);
  setText('media-late', `${compact(s.media.lateSends)} · ${s.media.latenessP99Ms.toFixed(1)} ms`);
  setText('sip-invites', `${compact(s.sip.requests.INVITE || 0)} · ${compact(s.sip.responses['503'] || 0)}`);
  setText('actors-dead', s.actors.deadLetters);
  renderBars('by-state', c.byState);
  renderBars('by-flow', c.byFlow);
  renderSkills(s.skills);
  renderMembers(s.node.name, s.cluster);
}

// The cluster as the node that serves this page sees it: one row per member (itself included), its state, the leader.
function renderMembers(name, cluster) {
  const members = cluster.members;
  const unreachable = members.filter((m) => m.state === 'unreachable').length;
  setText('cluster-summary', cluster.clustered
    ? `· ${members.length} members${unreachable ? ` · ${unreachable} unreachable` : ''}`
    : `· not clustered: ${name} runs alone`);
  $('members').tBodies[0].replaceChildren(...members.map((m) => el('tr', { 'data-node': m.node, class: m.self ? 'self' : '' },
    el('td', { title: m.node, class: 'node' }, m.node),
    el('td', { title: m.state, class: `state state-${m.state}` }, m.state),
    el('td', { class: 'leader' }, m.leader ? 'leader' : ''),
    el('td', { class: 'self' }, m.self ? 'this node' : ''),
    el('td', { title: m.address, class: 'address' }, m.address || '–'),
    el('td', { title: m.roles.join(', '), class: 'roles' }, m.roles.length ? m.roles.join(', ') : '–'))));
  setText('members-empty', members.length === 0 ? 'No member known yet.' : '');
}

function renderBars(id, counts) {
  const entries = Object.entries(counts || {});
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const box = $(id);
  box.replaceChildren(...(entries.length === 0
    ? [el('p', { class: 'muted' }, 'none')]
    : entries.map(([k, n]) => el('div', { class: 'bar', 'data-key': k },
        el('span', {}, k), el('div', { class: 'fill', style: '' }), el('span', { class: 'n' }, n)))));
  box.querySelectorAll('.bar').forEach((bar, i) => { bar.querySelector('.fill').style.width = `${(entries[i][1] / max) * 100}%`; });
}

function renderSkills(skills) {
  const box = $('skills');
  if (!skills || skills.length === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, 'No skills: this engine runs no router.'));
    return;
  }
  box.replaceChildren(...skills.map((k) => el('div', { class: 'skill', 'data-skill': k.skill },
    el('h3', {}, k.skill),
    el('dl', {},
      el('dt', {}, 'waiting'), el('dd', { class: 'waiting' }, k.waiting),
      el('dt', {}, 'longest wait'), el('dd', { class: 'longest' }, secs(k.longestWaitSeconds)),
      el('dt', {}, 'expected wait'), el('dd', { class: 'ewt' }, secs(k.expectedWaitSeconds)),
      el('dt', {}, 'abandonment'), el('dd', { class: 'abandonment' }, pct(k.arrivals ? k.abandonmentRate : null)),
      el('dt', {}, 'service level'), el('dd', { class: 'sl' }, pct(k.serviceLevel)),
      el('dt', {}, 'ASA'), el('dd', { class: 'asa' }, secs(k.asaSeconds)),
      el('dt', { title: 'agents with this skill by state; an agent busy with a call counts under that call\'s skill only' }, 'agents'),
      el('dd', { class: 'agents' }, ...(Object.entries(k.agents).some(([, n]) => n > 0) ? figs(Object.entries(k.agents).filter(([, n]) => n > 0).map(([st, n]) => `${st} ${n}`), ', ') : ['none'])),
      el('dt', {}, 'callbacks'), el('dd', { class: 'callbacks' }, ...figs([`${k.callbacksPending} pending`, `${k.callbacksDialled} dialled`, `${k.callbacksFailed} failed`])),
      el('dt', {}, 'messages'), el('dd', { class: 'messages' }, k.messages)))));
}

function renderCalls(live, recent) {
  const now = Date.now();
  $('live-calls').tBodies[0].replaceChildren(...live.map((c) => row(c.callId,
    [c.callId, party(c), flowLabel(c), c.agent ? `${c.state} · ${c.agent}` : c.state, c.step || '–', age((now - Date.parse(c.startedAt)) / 1000)])));
  $('recent-calls').tBodies[0].replaceChildren(...recent.map((c) => row(c.callId,
    [c.callId, c.kind === 'callback' ? 'callback' : c.flow, c.outcome, time(c.endedAt)])));
  setText('live-empty', live.length === 0 ? 'No call in progress.' : '');
  setText('recent-empty', recent.length === 0 ? 'No call has ended yet.' : '');
}

// A callback attempt runs no flow: its flow column says "callback", its party is the customer it rings.
function flowLabel(c) { return c.kind === 'callback' ? 'callback' : `${c.flow}@${c.version}`; }
function party(c) { return c.direction === 'outbound' ? `→ ${c.to}` : c.from; }

function row(callId, cells) {
  const tr = el('tr', { 'data-call': callId }, ...cells.map((v, i) => el('td', { title: String(v), class: i === cells.length - 1 ? 'num' : '' }, v)));
  tr.addEventListener('click', () => { selectedCall = callId; loadTimeline(); });
  return tr;
}

async function loadTimeline() {
  if (!selectedCall) return;
  const response = await fetch(`/api/calls/${encodeURIComponent(selectedCall)}`);
  if (!response.ok) { showTimeline([], 'This call is no longer kept.'); return; }
  const view = await response.json();
  setText('timeline-call', `${view.call.callId} · ${view.call.state}${view.call.outcome ? ' · ' + view.call.outcome : ''}`);
  showTimeline(view.timeline.map((e) => el('li', {},
    el('span', { class: 't' }, time(e.at)), el('span', { class: 'k' }, e.kind), `${e.step ? e.step + ': ' : ''}${e.detail}`)),
  'This call has no timeline entries yet.');
}

// The timeline's entries, or a plain hint (not a list item) when there are none.
function showTimeline(items, hint) {
  $('timeline').replaceChildren(...items);
  $('timeline').hidden = items.length === 0;
  $('timeline-hint').hidden = items.length !== 0;
  setText('timeline-hint', hint);
}

function addPoint(p) {
  history.push(p);
  while (history.length > HISTORY_SECONDS) history.shift();
}

function drawChart(canvas, series, title) {
  // Drawn at the size the canvas is shown (and the screen's pixel ratio), so its text is never scaled down.
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(200, canvas.clientWidth); const h = Number(canvas.dataset.height);
  if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const left = 34; const top = 18; const bottom = 16;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#6b7280';
  ctx.fillText(title, left, 12);
  const end = history.length ? Date.parse(history[history.length - 1].at) : Date.now();
  const start = end - HISTORY_SECONDS * 1000;
  const max = Math.max(1, ...series.flatMap((s) => history.map(s.value)));
  const x = (t) => left + ((t - start) / (HISTORY_SECONDS * 1000)) * (w - left - 6);
  const y = (v) => top + (1 - v / max) * (h - top - bottom);
  ctx.strokeStyle = '#e5e7eb';
  ctx.beginPath();
  for (const v of [0, max / 2, max]) { ctx.moveTo(left, y(v)); ctx.lineTo(w - 6, y(v)); ctx.fillText(Number.isInteger(v) ? String(v) : v.toFixed(1), 2, y(v) + 4); }
  ctx.stroke();
  ctx.fillText('-15 min', left, h - 3);
  ctx.fillText('now', w - 28, h - 3);
  let legend = left + 150;
  series.forEach((s, i) => {
    ctx.strokeStyle = COLORS[i % COLORS.length];
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    history.forEach((p, j) => { const px = x(Date.parse(p.at)); const py = y(s.value(p)); if (j === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
    ctx.stroke();
    ctx.fillStyle = COLORS[i % COLORS.length];
    ctx.fillText(s.name, legend, 12);
    legend += ctx.measureText(s.name).width + 14;
  });
  ctx.lineWidth = 1;
}

function drawCharts() {
  drawChart($('chart-calls'), [
    { name: 'active', value: (p) => p.active },
    { name: 'queued', value: (p) => p.queued },
  ], 'calls');
  const skills = [...new Set(history.flatMap((p) => Object.keys(p.waiting || {})))];
  drawChart($('chart-skills'), skills.map((k) => ({ name: k, value: (p) => (p.waiting || {})[k] || 0 })),
    skills.length ? 'waiting by skill' : 'waiting by skill (no skills)');
}

async function loadFlows() {
  const response = await fetch('/api/flows');
  if (!response.ok) { $('flows').replaceChildren(el('p', { class: 'muted' }, `Flows could not be read (${response.status}).`)); return; }
  const flows = await response.json();
  if (flows.length === 0) { $('flows').replaceChildren(el('p', { class: 'muted' }, 'No flow is loaded.')); return; }
  $('flows').replaceChildren(...flows.map((f) => el('div', { class: 'flow', 'data-flow': f.id },
    el('h3', {}, `${f.id} ${f.version}`),
    el('p', { class: 'muted' }, `${f.file} · ${f.steps} steps · start ${f.start} · ${f.calls} calls · live since ${time(f.loadedAt)} · versions seen: ${f.versions.map((v) => v.version).join(', ')}`),
    el('div', { class: 'graph' }, el('p', { class: 'muted' }, 'Drawing…')))));
  for (const f of flows) {
    const box = document.querySelector(`.flow[data-flow="${CSS.escape(f.id)}"] .graph`);
    const graph = await fetch(`/api/flows/${encodeURIComponent(f.id)}/graph.json`);
    box.replaceChildren(graph.ok ? drawFlowGraph(await graph.json()) : el('p', { class: 'muted' }, `No graph (${graph.status}).`));
  }
}

// Flow graphs are laid out by dagre (bundled: /dashboard/dagre.min.js, MIT) from /api/flows/{id}/graph.json: boxes sized
// to their measured text, edge labels placed by the layout as nodes of their own so nothing overlaps, start at the top.
const SVG = 'http://www.w3.org/2000/svg';
const KIND_FILL = { menu: '#dbeafe', digits: '#e0e7ff', play: '#dcfce7', branch: '#fef9c3', set: '#fef9c3', goto: '#fef9c3',
  queue: '#ffedd5', callback: '#fce7f3', message: '#fce7f3', transfer: '#ede9fe', hangup: '#e5e7eb', return: '#e5e7eb' };
const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
let measureContext = null;
function textWidth(text, font) {
  measureContext ??= document.createElement('canvas').getContext('2d');
  measureContext.font = font;
  return measureContext.measureText(text).width;
}
const NAME_FONT = 'bold 12px system-ui, sans-serif';
const KIND_FONT = '10px system-ui, sans-serif';
const LABEL_FONT = '10px system-ui, sans-serif';

// A long step name on two lines, cut after an underscore or hyphen near its middle, so wide ranks stay narrow.
function nameLines(name) {
  if (name.length <= 12) return [name];
  const half = Math.ceil(name.length / 2);
  let cut = -1;
  for (let i = 0; i < name.length - 1; i++) if ((name[i] === '_' || name[i] === '-') && (cut < 0 || Math.abs(i + 1 - half) < Math.abs(cut - half))) cut = i + 1;
  return cut > 0 ? [name.slice(0, cut), name.slice(cut)] : [name];
}

function drawFlowGraph(flow) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 8, ranksep: 22, edgesep: 4, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const step of flow.steps) {
    const lines = nameLines(step.name);
    const width = Math.ceil(Math.max(...lines.map((l) => textWidth(l, NAME_FONT)), textWidth(step.kind, KIND_FONT))) + 14;
    g.setNode(step.name, { step, lines, width, height: 18 + 14 * lines.length });
  }
  flow.edges.forEach((e, i) => {
    const label = e.label || '';
    g.setEdge(e.from, e.to, { label, width: label ? Math.ceil(textWidth(label, LABEL_FONT)) + 4 : 0, height: label ? 13 : 0, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const { width, height } = g.graph();
  const root = svg('svg', { class: 'flow-graph', viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width),
    'font-family': 'system-ui, sans-serif', role: 'img', 'aria-label': `graph of ${flow.id} ${flow.version}` });
  root.style.setProperty('--natural-width', `${Math.ceil(width)}px`);
  const id = `arrow-${flow.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  root.append(svg('defs', {}, svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#667' }))));
  const edges = svg('g', { class: 'edges' });
  const labels = svg('g', { class: 'edge-labels' });
  for (const e of g.edges()) {
    const edge = g.edge(e);
    edges.append(svg('path', { class: 'edge', d: curve(edge.points), fill: 'none', stroke: '#667', 'stroke-width': 1.2, 'marker-end': `url(#${id})` }));
    if (edge.label) {
      const label = svg('g', { class: 'edge-label', 'data-from': e.v, 'data-to': e.w });
      label.append(svg('rect', { x: edge.x - edge.width / 2, y: edge.y - edge.height / 2, width: edge.width, height: edge.height, rx: 3, fill: '#fff', 'fill-opacity': 0.9 }));
      label.append(svg('text', { x: edge.x, y: edge.y + 3.5, 'text-anchor': 'middle', 'font-size': 10, fill: '#334' }, edge.label));
      label.append(svg('title', {}, `${e.v} → ${e.w}: ${edge.label}`));
      labels.append(label);
    }
  }
  const nodes = svg('g', { class: 'steps' });
  for (const name of g.nodes()) {
    const n = g.node(name);
    const start = name === flow.start;
    const x = n.x - n.width / 2; const y = n.y - n.height / 2;
    nodes.append(svg('g', { class: start ? 'step start' : 'step', 'data-step': name },
      svg('rect', { x, y, width: n.width, height: n.height, rx: 8, fill: KIND_FILL[n.step.kind] || '#f3f4f6', stroke: start ? '#1d4ed8' : '#667', 'stroke-width': start ? 2 : 1 }),
      ...n.lines.map((line, i) => svg('text', { x: n.x, y: y + 15 + 14 * i, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 'bold', fill: '#111' }, line)),
      svg('text', { x: n.x, y: y + 15 + 14 * n.lines.length, 'text-anchor': 'middle', 'font-size': 10, fill: '#445' }, n.step.kind),
      svg('title', {}, `${name} (${n.step.kind})${start ? ', start' : ''}`)));
  }
  root.append(edges, nodes, labels);
  return root;
}

// A smooth path through dagre's edge points: straight to the first midpoint, then quadratic curves through each point.
function curve(points) {
  const f = (v) => v.toFixed(1);
  if (points.length < 3) return `M${f(points[0].x)},${f(points[0].y)} L${f(points[points.length - 1].x)},${f(points[points.length - 1].y)}`;
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]; const q = points[i + 1];
    const mid = i === points.length - 2 ? q : { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    d += ` Q${f(p.x)},${f(p.y)} ${f(mid.x)},${f(mid.y)}`;
  }
  return d;
}

function setupDrain() {
  const dialog = $('drain-dialog');
  $('drain-button').addEventListener('click', () => { $('drain-result').textContent = ''; dialog.showModal(); });
  $('drain-cancel').addEventListener('click', () => dialog.close());
  $('drain-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('drain-result');
    result.className = '';
    result.textContent = 'draining…';
    const response = await fetch('/api/drain', { method: 'POST', headers: { Authorization: `Bearer ${$('drain-token').value}` } });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      result.className = 'ok';
      result.textContent = `Draining: ${body.live} live calls left; new calls get 503.`;
    } else {
      result.textContent = `Refused (${response.status}): ${body.error || response.statusText}`;
    }
  });
}

// The caller-experience panel: satisfaction by path (/api/reports/satisfaction) and repeat contacts per skill
// (/api/reports/repeat-contacts), read once a minute; a report that cannot be read says so in its own table.
async function loadExperience() {
  const fill = async (url, table, empty, row, none) => {
    let body = null;
    try {
      const response = await fetch(url);
      body = response.ok ? await response.json() : null;
      if (!body) setText(empty, `Not available (${response.status}).`);
    } catch (e) {
      setText(empty, 'Not available.');
    }
    if (!body) return;
    const rows = row(body);
    $(table).tBodies[0].replaceChildren(...rows);
    $(empty).hidden = rows.length > 0;
    if (rows.length === 0) setText(empty, none);
  };
  const n = (v, digits) => v == null ? '–' : v.toFixed(digits);
  await fill('/api/reports/satisfaction?days=30', 'satisfaction', 'satisfaction-empty', (r) => r.paths.map((p) => el('tr', { 'data-path': p.name },
    el('td', {}, p.name), el('td', { class: 'num offered' }, p.offered), el('td', { class: 'num answered' }, p.answered),
    el('td', { class: 'num response' }, pct(p.responseRate)), el('td', { class: 'num mean' }, n(p.mean, 2)),
    el('td', { class: 'num very' }, p.scored ? `${pct(p.verySatisfiedShare)} (${p.verySatisfied}/${p.scored})` : '–'))),
    'No surveys yet: add a survey step to a flow (docs/surveys.md).');
  await fill('/api/reports/repeat-contacts?days=30', 'repeats', 'repeats-empty', (r) => r.skills.map((k) => el('tr', { 'data-skill': k.skill },
    el('td', {}, k.skill), el('td', { class: 'num contacts' }, k.contacts),
    el('td', { class: 'num r24' }, `${pct(k.rate24h)} (${k.repeated24h})`), el('td', { class: 'num r7' }, `${pct(k.rate7d)} (${k.repeated7d})`))),
    'No contacts that reached a skill yet.');
}

async function start() {
  setupDrain();
  loadExperience();
  setInterval(loadExperience, 60000);
  const response = await fetch('/api/history');
  if (response.ok) (await response.json()).forEach(addPoint);
  drawCharts();
  loadFlows();
  const events = new EventSource('/api/events');
  events.addEventListener('status', (event) => {
    const e = JSON.parse(event.data);
    const s = e.status;
    renderStatus(s);
    renderCalls(e.calls, e.recent);
    const last = history[history.length - 1];
    if (!last || last.at !== s.at) {
      addPoint({ at: s.at, active: s.calls.active, queued: s.calls.byState.queued || 0, started: s.calls.started,
        ended: sum(s.calls.ended), failed: s.calls.failed, waiting: Object.fromEntries(s.skills.map((k) => [k.skill, k.waiting])) });
    }
    drawCharts();
    if (selectedCall) loadTimeline();
  });
  events.addEventListener('error', () => {
    const state = $('node-state');
    state.textContent = 'disconnected';
    state.className = 'badge down';
  });
}

start();
