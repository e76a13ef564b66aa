// Takes a full-page screenshot of the dashboard once it is live (used by scripts/dashboard-screenshot.sh for the docs).
// Usage: node screenshot.mjs <engine url> <out.png> [viewport width, default 1440]
import { chromium } from 'playwright-core';

const [url, out, width] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: Number(width || 1440), height: 1000 } });
  await page.goto(url, { waitUntil: 'load' });
  // Every flow graph drawn, then two server-sent updates, so the tiles and charts hold live figures.
  await page.waitForFunction(() => {
    const flows = document.querySelectorAll('#flows .flow');
    return flows.length > 0 && [...flows].every((f) => f.querySelector('svg.flow-graph'));
  }, null, { timeout: 30000 });
  await page.waitForTimeout(2500);
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
