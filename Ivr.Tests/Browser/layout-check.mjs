// Measures the dashboard's layout in a real headless chromium (playwright-core) for DashboardLayoutTests, at each width
// given, against `ivr serve --demo` (skills, agents and live calls moving).
// Usage: node layout-check.mjs <engine url> <screenshot prefix> <width>...
// Prints one JSON line per width: {"event":"width", width, firstPaint, overflow, wrapped, graphs, timeline, skills,
// problems} with what the page showed (the test asserts on it), then {"event":"done"}; {"event":"failed", error} on error.
import { chromium } from 'playwright-core';

const [url, shotPrefix, ...widths] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// Everything the page draws, checked in the page: elements wider than their box (clipped without an ellipsis, or
// sticking out of their panel), figures broken over two lines.
const measureLayout = () => {
  const overflow = [];
  const wrapped = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '');
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) overflow.push({ what: 'page', scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth });
  const panels = [...document.querySelectorAll('.panel, .tile')];
  for (const panel of panels) {
    const box = panel.getBoundingClientRect();
    if (panel.scrollWidth > panel.clientWidth + 1) overflow.push({ what: name(panel), scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth });
    for (const e of panel.querySelectorAll('*')) {
      if (!visible(e)) continue;
      const inSvg = e instanceof SVGElement && !(e instanceof SVGSVGElement);
      const r = e.getBoundingClientRect();
      if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1)) {
        overflow.push({ what: name(e), text: (e.textContent || '').slice(0, 60), left: r.left, right: r.right, panel: [box.left, box.right] });
        continue;
      }
      if (inSvg) continue;
      const style = getComputedStyle(e);
      const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && style.textOverflow !== 'ellipsis' && !scrolls)
        overflow.push({ what: name(e), text: (e.textContent || '').slice(0, 60), scrollWidth: e.scrollWidth, clientWidth: e.clientWidth });
    }
  }
  const figures = document.querySelectorAll('.tile .value, .skill dd:not(.agents):not(.callbacks), .skill .fig, td, .bar .n, #clock');
  for (const f of figures) {
    if (!visible(f) || f.textContent.trim() === '') continue;
    const range = document.createRange();
    range.selectNodeContents(f);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
    if (tops.length && Math.max(...tops) - Math.min(...tops) > 3) wrapped.push({ what: name(f), text: f.textContent });
  }
  return { overflow, wrapped, figures: figures.length };
};

// Every flow graph: where its boxes and labels are, whether they fit the graph's box, and which overlap.
const measureGraphs = () => [...document.querySelectorAll('#flows .flow')].map((flow) => {
  const svg = flow.querySelector('svg.flow-graph');
  if (!svg) return { flow: flow.dataset.flow, drawn: false };
  const box = svg.getBoundingClientRect();
  const panel = flow.querySelector('.graph').getBoundingClientRect();
  const inside = (r, b) => r.left >= b.left - 0.5 && r.right <= b.right + 0.5 && r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5;
  const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const items = [];
  const problems = [];
  for (const step of svg.querySelectorAll('g.step')) {
    const r = step.querySelector('rect').getBoundingClientRect();
    items.push({ kind: 'step', name: step.dataset.step, ...rect(r) });
    if (!inside(r, box)) problems.push(`step ${step.dataset.step} outside the graph's box`);
    for (const t of step.querySelectorAll('text')) {
      if (!inside(t.getBoundingClientRect(), r)) problems.push(`text '${t.textContent}' of step ${step.dataset.step} cut by its box`);
    }
  }
  for (const label of svg.querySelectorAll('g.edge-label')) {
    const r = label.querySelector('rect').getBoundingClientRect();
    const t = label.querySelector('text');
    items.push({ kind: 'label', name: `${label.dataset.from}→${label.dataset.to} '${t.textContent}'`, ...rect(r) });
    if (!inside(r, box)) problems.push(`label ${t.textContent} outside the graph's box`);
    if (!inside(t.getBoundingClientRect(), r)) problems.push(`label text '${t.textContent}' wider than its box`);
  }
  const overlaps = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]; const b = items[j];
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 0.5 && y > 0.5) overlaps.push(`${a.kind} ${a.name} overlaps ${b.kind} ${b.name}`);
    }
  }
  const steps = items.filter((i) => i.kind === 'step');
  const start = svg.querySelector('g.step.start rect').getBoundingClientRect();
  const viewBox = svg.viewBox.baseVal;
  return {
    flow: flow.dataset.flow,
    drawn: true,
    steps: steps.length,
    labels: items.length - steps.length,
    scale: box.width / viewBox.width,
    graphInPanel: inside(box, panel),
    startAtTop: start.top <= Math.min(...steps.map((s) => s.top)) + 0.5,
    problems,
    overlaps,
  };
});

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  for (const w of widths.map(Number)) {
    const page = await browser.newPage({ viewport: { width: w, height: 900 } });
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push({ type: m.type(), text: m.text() }); });
    page.on('pageerror', (e) => problems.push({ type: 'pageerror', text: String(e) }));

    // First paint: the event stream and the flows are held back until the page has been read, so what it shows is what
    // a newcomer sees before the engine's first answer.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const hold = async (route) => { await held; await route.continue(); };
    await page.route('**/api/events', hold);
    await page.route('**/api/flows', hold);
    await page.goto(url, { waitUntil: 'load' });
    const firstPaint = await page.evaluate(() => ({
      bodyLoading: document.body.classList.contains('loading'),
      skills: document.getElementById('skills').textContent.trim(),
      flows: document.getElementById('flows').textContent.trim(),
      liveCalls: document.getElementById('live-empty').textContent.trim(),
      timelineItems: document.querySelectorAll('#timeline li').length,
      timelineHint: document.getElementById('timeline-hint').hidden ? '' : document.getElementById('timeline-hint').textContent.trim(),
      page: document.body.innerText,
    }));
    release();

    // Live: skill tiles, every flow drawn, at least one live call in the table.
    await page.waitForSelector('#skills .skill', { timeout: 60000 });
    await page.waitForFunction(() => {
      const flows = document.querySelectorAll('#flows .flow');
      return flows.length > 0 && [...flows].every((f) => f.querySelector('svg.flow-graph'));
    }, null, { timeout: 30000 });
    await page.waitForSelector('#live-calls tbody tr', { timeout: 90000 });
    const live = await page.evaluate(() => ({ timelineItems: document.querySelectorAll('#timeline li').length, hint: document.getElementById('timeline-hint').textContent.trim(), hintShown: !document.getElementById('timeline-hint').hidden }));
    const layoutLive = await page.evaluate(measureLayout);
    const graphs = await page.evaluate(measureGraphs);

    // A call picked: its timeline fills the panel without stretching it.
    await page.click('#live-calls tbody tr');
    await page.waitForSelector('#timeline li', { timeout: 10000 });
    const picked = await page.evaluate(() => ({ timelineItems: document.querySelectorAll('#timeline li').length, hintShown: !document.getElementById('timeline-hint').hidden }));
    const layoutPicked = await page.evaluate(measureLayout);

    // Per-skill "talking" beside the calls connected, from the figures the page itself receives, over a few seconds.
    await page.waitForFunction(() => [...document.querySelectorAll('#skills dd.agents')].some((dd) => /talking [1-9]/.test(dd.textContent)), null, { timeout: 90000 });
    // With the demo's callbacks on, sample (at the first width) while a callback attempt is bridged: it must count as
    // connected like any call (bounded; the demo dials its first callbacks about a minute in).
    if (w === Number(widths[0])) {
      const bridged = await page.evaluate(async () => {
        for (let i = 0; i < 300; i++) {
          const calls = await (await fetch('/api/calls')).json();
          if (calls.some((c) => c.kind === 'callback' && c.state === 'connected')) return true;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        return false;
      });
      if (!bridged) throw new Error('no callback attempt was connected on the live-calls board within 150 s');
    }
    const skills = await page.evaluate(async () => {
      const samples = [];
      for (let i = 0; i < 8; i++) {
        const r = await fetch('/api/status');
        const s = await r.json();
        // Callback attempts are calls on the board too: how many of the connected ones are callbacks, for the record.
        const calls = await (await fetch('/api/calls')).json();
        samples.push({ talking: s.skills.reduce((n, k) => n + (k.agents.talking || 0), 0), connected: s.calls.byState.connected || 0,
          callbacks: calls.filter((c) => c.kind === 'callback' && c.state === 'connected').length });
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      return samples;
    });
    await page.screenshot({ path: `${shotPrefix}-${w}.png`, fullPage: true });
    out({ event: 'width', width: w, firstPaint, live, picked, layoutLive, layoutPicked, graphs, skills, problems });
    await page.close();
  }
  out({ event: 'done' });
} catch (e) {
  out({ event: 'failed', error: String(e && e.stack || e) });
  process.exitCode = 1;
} finally {
  await browser.close();
}
