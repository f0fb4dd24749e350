/**
 * The Temporal Web UI tells the story of a run: a real headless Chromium (Debian's `chromium`,
 * driven by `playwright-core`; no browser download) against a dev server started here with its UI.
 *
 * It filters the Workflows list by `HarnessRunState="waiting_for_approval"`, opens the parked run
 * and checks what a person needs to decide it: the run's summary, its current details (pending
 * approval, tool, the exact `harness approve` command) and the activities' summaries. It saves the
 * run's "User Metadata" page as `ui-waiting-for-approval.png` in a temp dir; `npm run screenshots`
 * runs this test with `HARNESS_SCREENSHOT_DIR=docs` to refresh the picture the README shows.
 *
 * What Web UI 2.42.1 (the one in Temporal CLI v1.5.1) shows, and so what is asserted:
 * - Workflows list: no Summary column exists (not even among the optional columns), so the list
 *   is checked for the run's id only.
 * - Run page, History tab (the default): the timeline labels each activity `<type> • <summary>`.
 * - Run page, User Metadata tab: Summary, Details (static), "Events with Metadata" (activity
 *   summaries) and Current Details. Summary and details are Markdown rendered in iframes.
 *
 * Skipped, with a message, only when no Chromium executable exists (`CHROMIUM_PATH` overrides the
 * default `/usr/bin/chromium`); install it with `apt-get install -y chromium`. `npm run screenshots`
 * fails instead of skipping.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { startDevServer, type DevServer } from '../../src/devserver/index.js';
import { createHarnessWorker, type HarnessWorker } from '../../src/worker/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, uniqueId } from '../support/harness.js';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = CHROMIUM_CANDIDATES.find((file): file is string => !!file && existsSync(file));
const NO_CHROMIUM =
  `no Chromium executable (looked for ${CHROMIUM_CANDIDATES.filter(Boolean).join(', ')}): ` +
  'install it with `apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH';

/** Set by `npm run screenshots` (to `docs`) to refresh the README's picture; otherwise a temp dir. */
const SCREENSHOT_DIR = process.env.HARNESS_SCREENSHOT_DIR;
const SCREENSHOT = join(SCREENSHOT_DIR ? resolve(SCREENSHOT_DIR) : tempDir(), 'ui-waiting-for-approval.png');
const EXAMPLE_TOOLS = fileURLToPath(new URL('../../examples/tools.ts', import.meta.url));
const INPUT = 'Please refund order A-1001: the espresso grinder arrived with a cracked hopper.';

/** Every wait on the UI is bounded by this; each step normally takes well under a second. */
const UI_TIMEOUT_MS = 30_000;
/** The list is fetched once per page load: reload it until the run shows, up to this long. */
const LIST_DEADLINE_MS = 60_000;

/** The example tools (a refund story that reads well in the screenshot) and a scripted model. */
function writeUiWorkspace(dir: string): string {
  const file = join(dir, 'harness.yaml');
  writeFileSync(
    file,
    `tools:
  module: ${JSON.stringify(EXAMPLE_TOOLS)}
models:
  demo-model:
    provider: scripted
    script:
      - when: "^hello"
        turns:
          - text: Hello! I can look up orders and refund them.
      - turns:
          - text: Let me look up that order.
            toolCalls: [{ name: lookup_order, args: { orderId: A-1001 } }]
          - text: The grinder arrived damaged; I will refund it.
            toolCalls: [{ name: issue_refund, args: { orderId: A-1001, amount: 42, reason: Damaged on arrival } }]
          - text: "Done. {{lastToolResult}}"
agents:
  - id: support
    model: demo-model
    tools: [lookup_order, issue_refund]
    requireApproval: [issue_refund]
`,
  );
  return file;
}

/** Waits until `locator` is visible; on failure says what was expected, in words. */
async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`Web UI: expected ${what} to be visible (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
}

/** The Markdown iframe right after a heading of the User Metadata tab ("Summary", "Current Details"). */
function markdownAfter(page: Page, heading: string): FrameLocator {
  return page
    .getByRole('heading', { name: heading, exact: true })
    .locator('xpath=following::iframe[1]')
    .contentFrame();
}

describe('Temporal Web UI', () => {
  it(
    'lists a run waiting for approval and shows its summary, pending approval and activity summaries',
    async (ctx) => {
      if (!CHROMIUM && SCREENSHOT_DIR) throw new Error(`cannot refresh the screenshots: ${NO_CHROMIUM}`);
      if (!CHROMIUM) console.warn(`[web-ui test] skipped: ${NO_CHROMIUM}`);
      ctx.skip(!CHROMIUM, NO_CHROMIUM);

      let server: DevServer | undefined;
      let harnessWorker: HarnessWorker | undefined;
      let workerRunning: Promise<void> | undefined;
      let client: HarnessClient | undefined;
      let browser: Browser | undefined;
      let page: Page | undefined;
      try {
        // Our own server: the shared test server is headless.
        server = await startDevServer({ ui: true });
        const uiUrl = server.uiUrl!;
        const taskQueue = uniqueId('ui');
        // Plain payloads whatever the environment says: this UI has no codec server to decode them.
        harnessWorker = await createHarnessWorker({
          workspace: writeUiWorkspace(tempDir()),
          address: server.address,
          taskQueue,
          dataConverter: {},
          workflowBundle: { codePath: inject('workflowBundlePath') },
        });
        workerRunning = harnessWorker.worker.run();
        client = await HarnessClient.connect({ address: server.address, taskQueue, dataConverter: {} });

        // One run that finishes (must not match the filter) and one that parks on an approval.
        const done = await client.startRun({ agentId: 'support', input: 'hello there' });
        await done.result();
        const run = await client.startRun({ agentId: 'support', input: INPUT });
        const status = await run.waitFor((s) => s.state === 'waiting_for_approval');
        expect(status.pendingApprovals).toHaveLength(1);
        const { approvalId, toolName } = status.pendingApprovals[0]!;
        expect(toolName).toBe('issue_refund');
        const { runId: executionRunId } = await client.temporal.workflow.getHandle(run.runId).describe();

        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
        const context = await browser.newContext({
          viewport: { width: 1440, height: 900 },
          colorScheme: 'light',
          timezoneId: 'UTC',
        });
        page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT_MS);
        page.setDefaultNavigationTimeout(UI_TIMEOUT_MS);

        // 1. Workflows, filtered as the README says.
        const query = 'HarnessRunState="waiting_for_approval"';
        const listUrl = `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
        const runLink = page.getByRole('link', { name: run.runId, exact: true });
        await eventually(
          async () => {
            await page!.goto(listUrl, { waitUntil: 'load' });
            return runLink.waitFor({ state: 'visible', timeout: 10_000 }).then(
              () => 'listed',
              (err: Error) => err.message.split('\n')[0],
            );
          },
          (outcome) => outcome === 'listed',
          `Web UI: run ${run.runId} listed at ${listUrl}`,
          { timeoutMs: LIST_DEADLINE_MS },
        );
        await expectVisible(page.getByText('HarnessRunState', { exact: false }).first(), 'the HarnessRunState filter');
        // The finished run exists but the filter leaves it out (same response as the listed run).
        expect(await page.getByText(done.runId).count()).toBe(0);
        // UI 2.42.1 has no Summary column in the Workflows list: nothing more to check there.

        // 2. The run's page, reached as a person would: by clicking its id.
        await runLink.click();
        await page.waitForURL(`**/workflows/${run.runId}/${executionRunId}/**`);
        // The History tab's timeline labels activities with their summaries.
        await expectVisible(
          page.getByText('model demo-model · step 1').first(),
          'the model activity summary "model demo-model · step 1" in the event history',
        );
        await expectVisible(page.getByText('tool lookup_order').first(), 'the tool activity summary in the event history');

        // 3. User Metadata: summary, current details, events with metadata.
        await page.getByRole('tab', { name: 'User Metadata' }).click();
        await page.waitForURL(`**/workflows/${run.runId}/${executionRunId}/user-metadata`);
        const summary = markdownAfter(page, 'Summary');
        // Today `support: <input>`; checked loosely so a rewording of the summary keeps this test.
        await expectVisible(summary.getByText(INPUT), 'the run summary (start of the input)');
        await expectVisible(summary.getByText(/\bsupport\b/), 'the agent in the run summary');

        const details = markdownAfter(page, 'Current Details');
        await expectVisible(details.getByText('waiting for approval').first(), 'the state in the current details');
        await expectVisible(details.getByText(`Approval ${approvalId}`, { exact: true }), 'the pending approval id in the current details');
        await expectVisible(details.getByText(toolName, { exact: true }), 'the tool name in the current details');
        await expectVisible(
          details.getByText(`harness approve ${run.runId} --approval ${approvalId}`, { exact: true }),
          'the `harness approve` command in the current details',
        );

        for (const activity of ['model demo-model · step 1', 'tool lookup_order', 'model demo-model · step 2']) {
          await expectVisible(page.getByText(activity, { exact: true }).first(), `"${activity}" under Events with Metadata`);
        }

        // 4. The doc asset: the page a person deciding the approval looks at. The Markdown iframes
        // size themselves when loaded: wait for that, so the picture shows them at their final size.
        // (A string: this project's TypeScript has no DOM types.)
        await page.waitForFunction(
          `[...document.querySelectorAll('iframe[title="output"]')].every((f) => f.getAttribute('height'))`,
          undefined,
          { timeout: UI_TIMEOUT_MS },
        );
        // (No wait for network idle here: a running workflow's page keeps polling.)
        mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true, animations: 'disabled' });
        expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      } catch (err) {
        if (page) {
          const shot = join(tmpdir(), `web-ui-failure-${Date.now()}.png`);
          await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
          console.error(`[web-ui test] failed at ${page.url()}; page screenshot: ${shot}`);
        }
        throw err;
      } finally {
        await browser?.close();
        await client?.close();
        if (harnessWorker) {
          harnessWorker.worker.shutdown();
          await workerRunning;
          await harnessWorker.close();
        }
        await server?.stop();
      }
    },
    240_000,
  );
});
