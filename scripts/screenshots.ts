/**
 * Refreshes the Web UI pictures in docs/ from the scene the Web UI test checks
 * (test/support/web-ui-scene.ts): a real dev server, worker and headless Chromium.
 *
 *   npm run screenshots            # writes docs/ui-history-approval.png and docs/ui-waiting-for-approval.png
 *
 * Needs Debian's `chromium` (or CHROMIUM_PATH). The test never writes into docs/: pictures change
 * only when someone runs this and commits them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startWebUiScene } from '../test/support/web-ui-scene.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((f): f is string => !!f && existsSync(f));
if (!CHROMIUM) throw new Error('No Chromium executable: `apt-get install -y chromium`, or set CHROMIUM_PATH.');
const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const TIMEOUT_MS = 30_000;

const scene = await startWebUiScene();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', timezoneId: 'UTC' })).newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const { approvalId } = scene.parkedStatus.pendingApprovals[0]!;
  await page.goto(`${scene.uiUrl}/namespaces/default/workflows/${encodeURIComponent(scene.parked.runId)}`, { waitUntil: 'load' });

  // The History tab a person lands on: the approval's deadline timer says who and until when.
  await page.getByText(`approval ${approvalId} · issue_refund · waits for`).first().waitFor();
  await shoot(page, 'ui-history-approval.png', false);

  // User Metadata: summary, details, and the current details with the commands that decide it.
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  await page.getByRole('heading', { name: 'Current Details', exact: true }).waitFor();
  // The Markdown iframes size themselves once loaded (a string: this project has no DOM types).
  await page.waitForFunction(`[...document.querySelectorAll('iframe[title="output"]')].every((f) => f.getAttribute('height'))`, undefined, {
    timeout: TIMEOUT_MS,
  });
  await shoot(page, 'ui-waiting-for-approval.png', true);
} finally {
  await browser.close();
  await scene.close();
}

async function shoot(page: Page, name: string, fullPage: boolean): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  const file = join(DOCS, name);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  console.log(`wrote ${file}`);
}
