// Takes a full-page screenshot of the dashboard once it is live (used by scripts/dashboard-screenshot.sh for the docs).
// Usage: node screenshot.mjs <engine url> <out.png>
import { chromium } from 'playwright-core';

const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url, { waitUntil: 'load' });
  // Two server-sent updates, so the tiles and charts hold live figures.
  await page.waitForTimeout(2500);
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
