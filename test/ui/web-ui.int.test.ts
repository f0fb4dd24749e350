/**
 * The Temporal Web UI tells the story of a run: a real headless Chromium (Debian's `chromium`,
 * driven by `playwright-core`; no browser download) against a dev server started here with its UI
 * (the scene of test/support/web-ui-scene.ts: a finished run, a run parked on a refund only alice
 * or role finance may approve within 7 days, and a routed run whose sub-agent waits for bob).
 *
 * What a person deciding an approval needs, checked where Web UI 2.42.1 (Temporal CLI v1.5.1)
 * shows it:
 * - Workflows list filtered by `HarnessRunState="waiting_for_approval"` (the UI has no Summary
 *   column, so the list is checked for the run's id only).
 * - History tab (the default): the approval's deadline timer is labelled with the approval, the
 *   tool, who may decide and until when, then what happens; activities with their summaries.
 * - User Metadata tab: summary, and current details with who may decide, the deadline and commands
 *   that work as printed (`--by alice`).
 * - Queries tab and the "Send a Signal" / "Send an Update" dialogs: each handler's description.
 * - Deciding from the UI's own actions: "Send an Update" `decideApproval` on the parked run and
 *   "Send a Signal" `approvalDecision` on the sub-agent's parent; both runs then complete.
 *
 * Screenshots for the docs are taken by `npm run screenshots` (scripts/screenshots.ts), not here;
 * a failing test saves the page to a temp file. Skipped, with a message, only when no Chromium
 * executable exists (`CHROMIUM_PATH` overrides `/usr/bin/chromium`): `apt-get install -y chromium`.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { SCENE_INPUT, startWebUiScene, type WebUiScene } from '../support/web-ui-scene.js';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = CHROMIUM_CANDIDATES.find((file): file is string => !!file && existsSync(file));
const NO_CHROMIUM =
  `no Chromium executable (looked for ${CHROMIUM_CANDIDATES.filter(Boolean).join(', ')}): ` +
  'install it with `apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH';

/** Every wait on the UI is bounded by this; each step normally takes well under a second. */
const UI_TIMEOUT_MS = 30_000;
/** The list is fetched once per page load: reload it until the run shows, up to this long. */
const LIST_DEADLINE_MS = 60_000;

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

/** Opens a run's page by its URL (the list → click path is checked once, for the parked run). */
async function openRun(page: Page, scene: WebUiScene, runId: string): Promise<void> {
  await page.goto(`${scene.uiUrl}/namespaces/default/workflows/${encodeURIComponent(runId)}`, { waitUntil: 'load' });
  await expectVisible(page.getByRole('tab', { name: /^History/ }), `the page of run ${runId}`);
}

/**
 * Decides through the UI's own dialog: More Actions → "Send a Signal" / "Send an Update", picks
 * `handler`, checks its description is shown, types `payload` as the data, submits.
 */
async function sendFromUi(page: Page, action: 'Send a Signal' | 'Send an Update', handler: string, description: RegExp, payload: object): Promise<void> {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menu').getByText(action, { exact: true }).click();
  const dialog = page.getByRole('dialog').filter({ has: page.getByRole('heading', { name: action }) });
  await expectVisible(dialog, `the "${action}" dialog`);
  await dialog.locator('button[aria-haspopup="true"]').first().click();
  const option = dialog.getByRole('option').filter({ hasText: handler }).first();
  await expectVisible(option.getByText(description), `the description of ${handler} in the "${action}" dialog`);
  await option.click();
  const data = dialog.getByRole('textbox').last();
  await data.click();
  await page.keyboard.insertText(JSON.stringify(payload));
  // Leaving the editor reformats the JSON (and re-renders the form): a Submit clicked while the
  // editor has focus only does that. Leave it first, as a person's click elsewhere would.
  await data.evaluate((editor) => (editor as unknown as { blur(): void }).blur());
  await expect.poll(() => data.innerText(), { timeout: UI_TIMEOUT_MS, message: 'the data reformatted after leaving the editor' }).toMatch(/"approvalId": "/);
  await dialog.getByTestId('confirm-modal-button').click();
  await dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS }).catch(async (err: Error) => {
    const alert = await dialog.getByRole('alert').innerText().catch(() => '');
    throw new Error(`Web UI: the "${action}" dialog did not close after Submit${alert ? `; it says: ${alert}` : ''}`, { cause: err });
  });
}

describe('Temporal Web UI', () => {
  it(
    'shows who a parked run waits for and until when, documents its handlers, and decides approvals from its own actions',
    async (ctx) => {
      if (!CHROMIUM) console.warn(`[web-ui test] skipped: ${NO_CHROMIUM}`);
      ctx.skip(!CHROMIUM, NO_CHROMIUM);

      let scene: WebUiScene | undefined;
      let browser: Browser | undefined;
      let page: Page | undefined;
      try {
        scene = await startWebUiScene({ workflowBundlePath: inject('workflowBundlePath') });
        const { parked, parkedStatus, parent, parentStatus, client } = scene;
        expect(parkedStatus.pendingApprovals).toHaveLength(1);
        const { approvalId, toolName } = parkedStatus.pendingApprovals[0]!;
        expect(toolName).toBe('issue_refund');
        const { runId: executionRunId } = await client.temporal.workflow.getHandle(parked.runId).describe();

        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', timezoneId: 'UTC' });
        page = await context.newPage();
        page.setDefaultTimeout(UI_TIMEOUT_MS);
        page.setDefaultNavigationTimeout(UI_TIMEOUT_MS);

        // 1. Workflows, filtered as the README says.
        const query = 'HarnessRunState="waiting_for_approval"';
        const listUrl = `${scene.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
        const runLink = page.getByRole('link', { name: parked.runId, exact: true });
        await eventually(
          async () => {
            await page!.goto(listUrl, { waitUntil: 'load' });
            return runLink.waitFor({ state: 'visible', timeout: 10_000 }).then(
              () => 'listed',
              (err: Error) => err.message.split('\n')[0],
            );
          },
          (outcome) => outcome === 'listed',
          `Web UI: run ${parked.runId} listed at ${listUrl}`,
          { timeoutMs: LIST_DEADLINE_MS },
        );
        await expectVisible(page.getByText('HarnessRunState', { exact: false }).first(), 'the HarnessRunState filter');
        expect(await page.getByText(scene.done.runId).count()).toBe(0);

        // 2. The run's page, reached by clicking its id: the History tab tells the story.
        await runLink.click();
        await page.waitForURL(`**/workflows/${parked.runId}/${executionRunId}/**`);
        const timer = `approval ${approvalId} · issue_refund · waits for alice or anyone with role finance · until `;
        await expectVisible(page.getByText(timer).first(), `the deadline timer labelled "${timer}…" in the History timeline`);
        await expectVisible(page.getByText(/\(168h\), then reject/).first(), 'the deadline\'s length and onTimeout on the timer');
        await expectVisible(page.getByText('model demo-model · step 1').first(), 'the model activity summary in the History timeline');
        await expectVisible(page.getByText('tool lookup_order').first(), 'the tool activity summary in the History timeline');

        // 3. User Metadata: summary, and who may decide, until when, with commands that work as printed.
        await page.getByRole('tab', { name: 'User Metadata' }).click();
        await expectVisible(markdownAfter(page, 'Summary').getByText(SCENE_INPUT), 'the run summary (its input)');
        const details = markdownAfter(page, 'Current Details');
        await expectVisible(details.getByText('waiting for approval').first(), 'the state in the current details');
        await expectVisible(details.getByText(`Approval ${approvalId}`, { exact: true }), 'the pending approval id in the current details');
        await expectVisible(details.getByText(/Who may decide: alice or anyone with role finance\. Waits until \d{4}-\d\d-\d\d /), 'who may decide and the deadline');
        await expectVisible(
          details.getByText(`harness approve ${parked.runId} --approval ${approvalId} --by alice`, { exact: true }),
          'the `harness approve … --by alice` command in the current details',
        );

        // 4. Queries: the tab opens on status (the UI lists queries by name), and it is described.
        await page.getByRole('tab', { name: 'Queries' }).click();
        await page.getByTestId('query-select-button').click();
        await expectVisible(page.locator('li[role="option"].selected').filter({ hasText: /^\s*status\s/ }), 'the Queries tab opened on status (its selected query)');
        await expectVisible(
          page.getByRole('option').filter({ hasText: /^\s*status\s/ }).getByText(/pending approvals \(who may decide each, its deadline\)/),
          'the status query with its description in the Queries tab',
        );
        await page.keyboard.press('Escape');

        // 5. Decide it from the UI's own "Send an Update": the run takes it and completes.
        await sendFromUi(page, 'Send an Update', 'decideApproval', /Decide a pending approval and get the recorded decision back/, {
          approvalId,
          decision: 'approve',
          approver: 'alice',
          reason: 'decided in the Web UI',
        });
        const result = await parked.result();
        expect(result.output).toContain('Refunded $42.00 for order A-1001');
        expect(result.approvals).toEqual([expect.objectContaining({ approvalId, approver: 'alice', via: 'update', reason: 'decided in the Web UI' })]);

        // 6. A sub-agent's parent: the routed agent, its own step, who may decide, decided by signal here.
        const delegated = parentStatus.pendingApprovals[0]!;
        expect(delegated).toMatchObject({ path: ['support', 'billing'], approvers: ['bob'], step: 1 });
        await openRun(page, scene, parent.runId);
        await expectVisible(page.getByText('sub-agent billing · from support').first(), 'the child run in the History timeline');
        await page.getByRole('tab', { name: 'User Metadata' }).click();
        const parentDetails = markdownAfter(page, 'Current Details');
        await expectVisible(parentDetails.getByText(/routed from auto: default/).first(), 'the routed agent in the current details');
        await expectVisible(parentDetails.getByText(`Approval ${delegated.approvalId}`, { exact: true }), 'the sub-agent approval on the parent');
        await expectVisible(parentDetails.getByText(/\(step 1\)/).first(), "the parent's own step for the approval");
        await expectVisible(parentDetails.getByText(/Who may decide: bob\./), 'who may decide the sub-agent approval');
        await sendFromUi(page, 'Send a Signal', 'approvalDecision', /Decide a pending approval, fire and forget/, {
          approvalId: delegated.approvalId,
          decision: 'approve',
          approver: 'bob',
        });
        const parentResult = await parent.result();
        expect(parentResult.output).toContain('Refunded $19.50 for order A-1002');
        // A sub-agent's decisions are in the parent's status (its result lists its own approvals only).
        expect((await parent.status()).approvals).toEqual([expect.objectContaining({ approvalId: delegated.approvalId, approver: 'bob', via: 'signal' })]);
      } catch (err) {
        if (page) {
          const shot = join(tmpdir(), `web-ui-failure-${Date.now()}.png`);
          await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
          console.error(`[web-ui test] failed at ${page.url()}; page screenshot: ${shot}`);
        }
        throw err;
      } finally {
        await browser?.close();
        await scene?.close();
      }
    },
    300_000,
  );
});
