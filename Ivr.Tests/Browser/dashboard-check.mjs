// Drives the Ivr dashboard in a real headless chromium (Debian's, through playwright-core) for DashboardBrowserTests.
// Usage: node dashboard-check.mjs <engine url> <admin token> <screenshot.png> <calls the test will place>
// Prints JSON lines: {"event":"loaded"} once the page is live (the test then starts sipp), then {"event":"done", ...}
// with what the page showed: the node's name and members panel, tile values while the calls ran and after, a call's timeline, the drain answers, and
// every console error, page error, failed request and off-engine request, each tagged with the phase it happened in.
import { chromium } from 'playwright-core';

const [url, token, screenshot, callsArg] = process.argv.slice(2);
const calls = String(Number(callsArg));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const problems = [];
const external = [];
let phase = 'load';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push({ phase, type: m.type(), text: m.text() }); });
  page.on('pageerror', (e) => problems.push({ phase, type: 'pageerror', text: String(e) }));
  page.on('requestfailed', (r) => {
    // The event stream is cut when the browser closes; anything else failing is a problem.
    if (!r.url().endsWith('/api/events')) problems.push({ phase, type: 'requestfailed', text: `${r.url()} ${r.failure()?.errorText}` });
  });
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) external.push(r.url()); });

  const text = (id) => page.evaluate((i) => document.getElementById(i).textContent, id);
  const tiles = () => page.evaluate(() => Object.fromEntries(
    ['calls-active', 'calls-started', 'calls-answered', 'calls-queued', 'calls-ended', 'calls-abandoned', 'media-rtp', 'sip-invites']
      .map((id) => [id, document.getElementById(id).textContent])));
  const seen = [];
  const waitTiles = async (done, ms, what) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const t = await tiles();
      if (seen.length === 0 || JSON.stringify(seen[seen.length - 1]) !== JSON.stringify(t)) seen.push(t);
      if (done(t)) return t;
      if (Date.now() > deadline) throw new Error(`${what} not shown within ${ms} ms; tiles: ${JSON.stringify(t)}`);
      await page.waitForTimeout(200);
    }
  };
  // Waits until the page has applied two more server-sent events (the clock shows each event's time).
  const twoMoreEvents = async () => {
    for (let i = 0; i < 2; i++) {
      const before = await text('clock');
      await page.waitForFunction((b) => document.getElementById('clock').textContent !== b, before, { timeout: 10000 });
    }
  };

  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('node-state').textContent === 'ready', null, { timeout: 30000 });
  await page.waitForFunction(() => {
    const flows = document.querySelectorAll('#flows .flow');
    return flows.length > 0 && [...flows].every((f) => f.querySelector('svg.flow-graph g.step'));
  }, null, { timeout: 30000 });
  const flows = await page.$$eval('#flows .flow', (fs) => fs.map((f) => f.dataset.flow));
  // The header's node name and the members panel of a node alone: itself, up, leader, this node.
  const cluster = await page.evaluate(() => ({
    node: document.getElementById('node-name').textContent,
    summary: document.getElementById('cluster-summary').textContent,
    members: [...document.querySelectorAll('#members tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent)),
  }));
  const initial = await tiles();
  out({ event: 'loaded', tiles: initial });

  phase = 'calls';
  const busy = await waitTiles((t) => t['calls-active'] === calls && t['calls-queued'] === calls, 60000, `${calls} queued calls`);
  await page.click('#live-calls tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#timeline li .k').length > 0, null, { timeout: 10000 });
  const timeline = await page.$$eval('#timeline li', (lis) => lis.map((li) => li.textContent));
  const byState = await page.$$eval('#by-state .bar', (bars) => bars.map((b) => `${b.dataset.key} ${b.querySelector('.n').textContent}`));
  await page.screenshot({ path: screenshot, fullPage: true });
  const after = await waitTiles((t) => t['calls-active'] === '0' && t['calls-ended'] === calls, 90000, 'the calls ending');

  phase = 'drain';
  await page.click('#drain-button');
  await page.fill('#drain-token', 'not-the-token');
  await page.click('#drain-confirm');
  await page.waitForFunction(() => /^Refused/.test(document.getElementById('drain-result').textContent), null, { timeout: 10000 });
  const wrong = await text('drain-result');
  await twoMoreEvents();
  const badgeAfterWrong = await text('node-state');
  await page.fill('#drain-token', token);
  await page.click('#drain-confirm');
  await page.waitForFunction(() => /^Draining/.test(document.getElementById('drain-result').textContent), null, { timeout: 10000 });
  const right = await text('drain-result');
  await page.waitForFunction(() => document.getElementById('node-state').textContent === 'draining', null, { timeout: 10000 });
  const badgeAfterRight = await text('node-state');

  out({ event: 'done', flows, cluster, initial, busy, after, seen, timeline, byState, wrong, badgeAfterWrong, right, badgeAfterRight, problems, external });
} catch (e) {
  out({ event: 'failed', error: String(e && e.stack || e), problems, external });
  process.exitCode = 1;
} finally {
  await browser.close();
}
