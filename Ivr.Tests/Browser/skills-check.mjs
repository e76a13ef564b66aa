// Reads the dashboard's skill tiles in a real headless chromium (playwright-core) for DashboardSkillTilesTests.
// Usage: node skills-check.mjs <engine url> <skill to watch>
// Prints {"event":"tiles", tiles} once every skill tile shows, then {"event":"updated", tiles} when the watched skill's
// "waiting" changes (the test adds a caller after the first line), with every console error and page error seen.
import { chromium } from 'playwright-core';

const [url, watched] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const problems = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push({ type: m.type(), text: m.text() }); });
  page.on('pageerror', (e) => problems.push({ type: 'pageerror', text: String(e) }));
  const tiles = () => page.$$eval('#skills .skill', (skills) => Object.fromEntries(skills.map((s) => [s.dataset.skill,
    Object.fromEntries([...s.querySelectorAll('dd')].map((dd) => [dd.className, dd.textContent]))])));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(`#skills .skill[data-skill="${watched}"]`, { timeout: 30000 });
  const first = await tiles();
  out({ event: 'tiles', tiles: first, problems });
  await page.waitForFunction(([skill, before]) => document.querySelector(`#skills .skill[data-skill="${skill}"] dd.waiting`).textContent !== before,
    [watched, first[watched].waiting], { timeout: 30000 });
  out({ event: 'updated', tiles: await tiles(), problems });
} catch (e) {
  out({ event: 'failed', error: String(e && e.stack || e), problems });
  process.exitCode = 1;
} finally {
  await browser.close();
}
