// Reads the dashboard's cluster members panel and header in a real headless chromium (playwright-core) for
// DashboardMembersTests. Usage: node members-check.mjs <engine url> <members expected first>
// Prints {"event":"members", node, title, summary, members} once the panel shows that many rows, then
// {"event":"updated", ...} when the rows change (the test changes the membership after the first line), with every
// console error and page error seen; {"event":"failed", error} on error.
import { chromium } from 'playwright-core';

const [url, expected] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const problems = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push({ type: m.type(), text: m.text() }); });
  page.on('pageerror', (e) => problems.push({ type: 'pageerror', text: String(e) }));
  const read = () => page.evaluate(() => ({
    node: document.getElementById('node-name').textContent,
    title: document.title,
    summary: document.getElementById('cluster-summary').textContent,
    members: [...document.querySelectorAll('#members tbody tr')].map((tr) => ({
      node: tr.dataset.node,
      self: tr.classList.contains('self'),
      cells: Object.fromEntries([...tr.cells].map((td) => [td.classList[0], td.textContent])),
      stateClass: tr.querySelector('td.state').className,
      stateColor: getComputedStyle(tr.querySelector('td.state')).color,
    })),
  }));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction((n) => document.querySelectorAll('#members tbody tr').length === n, Number(expected), { timeout: 30000 });
  const first = await read();
  out({ event: 'members', ...first, problems });
  await page.waitForFunction((before) => [...document.querySelectorAll('#members tbody tr')].map((tr) => tr.textContent).join('|') !== before,
    first.members.map((m) => Object.values(m.cells).join('')).join('|'), { timeout: 30000 });
  out({ event: 'updated', ...(await read()), problems });
} catch (e) {
  out({ event: 'failed', error: String(e && e.stack || e), problems });
  process.exitCode = 1;
} finally {
  await browser.close();
}
