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
const pct = (r) => r == null ? '–' : `${(r * 100).toFixed(1)} %`;
const time = (iso) => new Date(iso).toLocaleTimeString();

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== String(text)) node.textContent = text;
}

function renderStatus(s) {
  const state = $('node-state');
  state.textContent = s.node.draining ? 'draining' : s.node.ready ? 'ready' : 'not ready';
  state.className = 'badge ' + (s.node.draining ? 'draining' : s.node.ready ? 'ready' : 'down');
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
  setText('media-rtp', `${s.media.packetsReceived} / ${s.media.packetsSent}`);
  setText('media-late', `${s.media.lateSends} · ${s.media.latenessP99Ms.toFixed(1)} ms`);
  setText('sip-invites', `${s.sip.requests.INVITE || 0} · ${s.sip.responses['503'] || 0}`);
  setText('actors-dead', s.actors.deadLetters);
  renderBars('by-state', c.byState);
  renderBars('by-flow', c.byFlow);
  renderSkills(s.skills);
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
    box.replaceChildren(el('p', { class: 'muted' }, 'No router running: no skills.'));
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
      el('dt', {}, 'agents'), el('dd', { class: 'agents' }, Object.entries(k.agents).filter(([, n]) => n > 0).map(([st, n]) => `${st} ${n}`).join(', ') || 'none'),
      el('dt', {}, 'callbacks'), el('dd', { class: 'callbacks' }, `${k.callbacksPending} pending · ${k.callbacksDialled} dialled · ${k.callbacksFailed} failed`),
      el('dt', {}, 'messages'), el('dd', { class: 'messages' }, k.messages)))));
}

function renderCalls(live, recent) {
  const now = Date.now();
  $('live-calls').tBodies[0].replaceChildren(...live.map((c) => row(c.callId,
    [c.callId, c.from, `${c.flow}@${c.version}`, c.state, c.step || '–', secs((now - Date.parse(c.startedAt)) / 1000)])));
  $('recent-calls').tBodies[0].replaceChildren(...recent.map((c) => row(c.callId,
    [c.callId, c.flow, c.outcome, time(c.endedAt)])));
}

function row(callId, cells) {
  const tr = el('tr', { 'data-call': callId }, ...cells.map((v) => el('td', { title: String(v) }, v)));
  tr.addEventListener('click', () => { selectedCall = callId; loadTimeline(); });
  return tr;
}

async function loadTimeline() {
  if (!selectedCall) return;
  const response = await fetch(`/api/calls/${encodeURIComponent(selectedCall)}`);
  if (!response.ok) { $('timeline').replaceChildren(el('li', { class: 'muted' }, 'This call is no longer kept.')); return; }
  const view = await response.json();
  setText('timeline-call', `${view.call.callId} · ${view.call.state}${view.call.outcome ? ' · ' + view.call.outcome : ''}`);
  $('timeline').replaceChildren(...view.timeline.map((e) => el('li', {},
    el('span', { class: 't' }, time(e.at)), el('span', { class: 'k' }, e.kind), `${e.step ? e.step + ': ' : ''}${e.detail}`)));
}

function addPoint(p) {
  history.push(p);
  while (history.length > HISTORY_SECONDS) history.shift();
}

function drawChart(canvas, series, title) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width; const h = canvas.height; const left = 34; const top = 18; const bottom = 16;
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
  if (!response.ok) return;
  const flows = await response.json();
  $('flows').replaceChildren(...flows.map((f) => el('div', { class: 'flow', 'data-flow': f.id },
    el('h3', {}, `${f.id} ${f.version}`),
    el('p', { class: 'muted' }, `${f.file} · ${f.steps} steps · start ${f.start} · ${f.calls} calls · live since ${time(f.loadedAt)} · versions seen: ${f.versions.map((v) => v.version).join(', ')}`),
    el('div', { class: 'graph' }, el('img', { src: `/api/flows/${encodeURIComponent(f.id)}/graph.svg`, alt: `graph of ${f.id}` })))));
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

async function start() {
  setupDrain();
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
