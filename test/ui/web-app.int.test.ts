/**
 * The web app `harness serve` shows at `/`, in a real headless Chromium (Debian's `chromium`,
 * driven by `playwright-core`) against a real server and real runs: type a message, watch the
 * tokens stream in, see an edit the tool refuses come back as an error, click Approve on the
 * inline approval, see the final answer; Stop cancels a run mid-stream; the inbox (tokens on)
 * asks for the token, lists another run's approval (who, input, deadline) and decides it there
 * with an edit.
 *
 * `npm run screenshots` runs it with `HARNESS_SCREENSHOT_DIR=docs` to refresh the README's
 * pictures (web-chat.png, web-inbox.png); otherwise they go to a temp dir. Skipped, with a
 * message, only when no Chromium executable exists; `npm run screenshots` fails instead.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { bearerTokens, createHttpApp, listenHttp, parseApiTokens, WEB_APP_DIR, type HttpAppOptions } from '../../src/http/index.js';
import { CHROMIUM, NO_CHROMIUM } from '../support/chromium.js';
import { eventually } from '../support/eventually.js';
import { tempDir, uniqueId, withWorker } from '../support/harness.js';

const SCREENSHOT_DIR = process.env.HARNESS_SCREENSHOT_DIR;
const shots = SCREENSHOT_DIR ? resolve(SCREENSHOT_DIR) : tempDir();
const EXAMPLE_TOOLS = fileURLToPath(new URL('../../examples/tools.ts', import.meta.url));
const UI_TIMEOUT_MS = 30_000;
const ANN_TOKEN = 'web-app-test-token-0123456789abcdef0123';
const FINAL_TEXT = 'The grinder arrived damaged, so I will refund the full amount of the order.';

/** The example tools and a scripted model that streams word by word (150 ms apart). */
function writeWebWorkspace(dir: string): string {
  const file = join(dir, 'harness.yaml');
  writeFileSync(
    file,
    `tools:
  module: ${JSON.stringify(EXAMPLE_TOOLS)}
models:
  demo-model:
    provider: scripted
    streamDelay: 150ms
    script:
      - turns:
          - text: Let me look up that order first.
            toolCalls: [{ name: lookup_order, args: { orderId: A-1001 } }]
          - text: ${FINAL_TEXT}
            toolCalls: [{ name: issue_refund, args: { orderId: A-1001, amount: 42, reason: Damaged on arrival } }]
          - text: "Done. {{lastToolResult}}"
agents:
  - id: support
    model: demo-model
    tools: [lookup_order, issue_refund]
    requireApproval: [{ tool: issue_refund, timeout: 7d, onTimeout: reject }]
`,
  );
  return file;
}

async function withBrowserAndServer(body: (page: Page, url: string, client: HarnessClient) => Promise<void>, options: HttpAppOptions = {}): Promise<void> {
  if (!existsSync(join(WEB_APP_DIR, 'index.html'))) throw new Error(`the web app is not built (${WEB_APP_DIR}): run \`npm run build:web\``);
  process.env.HARNESS_LEDGER = join(tempDir(), 'ledger.jsonl');
  await withWorker(writeWebWorkspace(tempDir()), async ({ client }) => {
    const server = await listenHttp(createHttpApp(client, { webApp: true, heartbeatMs: 1_000, ...options }), { port: 0 });
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const context = await browser.newContext({ viewport: { width: 1100, height: 820 }, colorScheme: 'light', timezoneId: 'UTC', locale: 'en-GB' });
      page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await body(page, server.url, client);
      expect(errors).toEqual([]);
    } catch (err) {
      if (page) {
        const shot = join(tmpdir(), `web-app-failure-${Date.now()}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.error(`[web-app test] failed at ${page.url()}; page screenshot: ${shot}`);
      }
      throw err;
    } finally {
      await browser?.close();
      await server.close(1_000);
    }
  });
}

/** Records every text the last assistant message showed, as the page drew it. */
const RECORD_TEXTS = `(() => {
  window.__texts = [];
  const list = document.querySelector('.messages');
  new MutationObserver(() => {
    const texts = [...document.querySelectorAll('.message.assistant .text')].map((t) => t.textContent);
    const last = texts.at(-1);
    if (last !== undefined && window.__texts.at(-1) !== last) window.__texts.push(last);
  }).observe(list, { childList: true, subtree: true, characterData: true });
})()`;

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  const file = join(shots, name);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  expect(statSync(file).size).toBeGreaterThan(10_000);
}

describe('the web app (harness serve at /)', () => {
  it('chat: tokens stream in, a refused edit shows its error, Approve inline resumes the run to its final answer', async (ctx) => {
    if (!CHROMIUM && SCREENSHOT_DIR) throw new Error(`cannot refresh the screenshots: ${NO_CHROMIUM}`);
    if (!CHROMIUM) console.warn(`[web-app test] skipped: ${NO_CHROMIUM}`);
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      await page.goto(`${url}/#/chat`);
      await page.waitForURL(/#\/chat\/chat-/);
      const threadId = decodeURIComponent(page.url().split('#/chat/')[1]!);
      await page.getByLabel('agent').fill('support');
      await page.evaluate(RECORD_TEXTS);
      await page.getByLabel('message').fill('Please refund order A-1001: the grinder arrived with a cracked hopper.');
      await page.getByRole('button', { name: 'Send' }).click();

      // The approval appears inline, after the tool call that needed none.
      const approval = page.locator('.tool.approval-requested');
      await approval.waitFor();
      await expect(approval.locator('.tool-name').textContent()).resolves.toBe('tool issue_refund');
      await expect(approval.locator('pre.input').textContent()).resolves.toContain('"amount": 42');
      await expect(page.locator('.tool.output-available .tool-name').textContent()).resolves.toBe('tool lookup_order');
      // Tokens streamed: the page drew the second answer in pieces before it was whole.
      const texts = (await page.evaluate('window.__texts')) as string[];
      expect(texts).toContain(FINAL_TEXT);
      expect(texts.filter((t) => t.length > 0 && t.length < FINAL_TEXT.length && FINAL_TEXT.startsWith(t)).length).toBeGreaterThan(1);
      await expect(page.getByRole('button', { name: 'Stop' }).isVisible()).resolves.toBe(true); // the run waits: Stop would cancel it
      await screenshot(page, 'web-chat.png');

      // An edit the tool's schema refuses: the error shows, and the approval waits again (as the run says).
      await approval.getByRole('button', { name: 'Edit' }).click();
      const editor = approval.getByLabel('edited input');
      await editor.fill(JSON.stringify({ orderId: 'A-1001', amount: 'lots' }));
      await approval.getByRole('button', { name: 'Approve with edits' }).click();
      await page.getByRole('alert').filter({ hasText: 'INVALID_EDIT_INPUT' }).waitFor();
      await approval.getByRole('button', { name: 'Approve', exact: true }).waitFor();

      await approval.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByText('Done. Refunded $42.00 for order A-1001 (Damaged on arrival).').waitFor();
      await page.locator('.tool.output-available', { hasText: 'issue_refund' }).waitFor();
      const runId = (await client.thread(threadId).status()).runs.at(-1)!.runId;
      const result = await client.getRun(runId).result();
      expect(result.approvals).toEqual([expect.objectContaining({ toolName: 'issue_refund', decision: 'approve', via: 'update' })]);
      await page.getByText(/completed/).waitFor(); // the status line reads the run's state
    });
  });

  it('chat: Stop cancels the run while it streams', async (ctx) => {
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      await page.goto(`${url}/#/chat`);
      await page.waitForURL(/#\/chat\/chat-/);
      const threadId = decodeURIComponent(page.url().split('#/chat/')[1]!);
      await page.getByLabel('agent').fill('support');
      await page.getByLabel('message').fill('Please refund order A-1001.');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('Let me look').waitFor(); // mid-stream
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.getByText(/cancelled/).first().waitFor();
      const runId = (await client.thread(threadId).status()).runs.at(-1)!.runId;
      await eventually(
        () => client.getRun(runId).status(),
        (s) => s.state === 'cancelled',
        `run ${runId} cancelled by Stop`,
      );
    });
  });

  it('inbox (tokens on): asks for the token, lists another run’s approval with its details, decides it with an edit as that principal', async (ctx) => {
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      const run = await client.startRun({ agentId: 'support', input: 'Refund order A-1001, please.', runId: uniqueId('inbox') });
      const status = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const { approvalId } = status.pendingApprovals[0]!;

      // The page is public; its first API call gets 401 and it asks for a token (kept in the tab).
      const prompts: string[] = [];
      page.on('dialog', (dialog) => {
        prompts.push(dialog.message());
        void dialog.accept(ANN_TOKEN);
      });
      await page.goto(`${url}/#/inbox`);
      const card = page.locator(`.inbox-item[data-approval-id="${approvalId}"]`);
      await card.waitFor();
      await expect(card.getAttribute('data-run-id')).resolves.toBe(run.runId);
      const details = (await card.textContent())!;
      expect(details).toContain('tool issue_refund');
      expect(details).toContain(run.runId);
      expect(details).toMatch(/who may decide\s*anyone/);
      // The run's own deadline (requested + 7 days) and what happens then.
      expect(details).toMatch(/deadline\s*.+, then reject/);
      await expect(card.locator('pre.input').textContent()).resolves.toContain('"orderId": "A-1001"');
      await screenshot(page, 'web-inbox.png');

      await card.getByRole('button', { name: 'Edit' }).click();
      const editor = card.getByLabel('edited input');
      const edited = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
      await editor.fill(JSON.stringify({ ...edited, amount: 40 }, null, 2));
      await card.getByRole('button', { name: 'Approve with edits' }).click();
      await card.waitFor({ state: 'detached' });
      await page.getByText('No approvals waiting.').waitFor();
      expect(prompts).toEqual([expect.stringContaining('Paste your API token')]); // once: the tab keeps it
      const result = await run.result();
      expect(result.approvals).toEqual([expect.objectContaining({ approvalId, decision: 'edit', approver: 'ann', input: expect.objectContaining({ amount: 40 }) })]);
      expect(result.output).toContain('Refunded $40.00');
    }, { authenticate: bearerTokens(parseApiTokens(`ann=${ANN_TOKEN}`)) });
  });

  it('inbox: a fork waiting for approval names the run it was forked from and the step', async (ctx) => {
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      const original = await client.startRun({ agentId: 'support', input: 'Refund order A-1001, please.', runId: uniqueId('forked') });
      await original.waitFor((s) => s.state === 'waiting_for_approval');
      // No decision given: the fork asks again, so both runs wait on the same step's approval.
      const fork = await client.fork(original.runId, { fromStep: 2 });
      await fork.waitFor((s) => s.state === 'waiting_for_approval');
      await page.goto(`${url}/#/inbox`);
      const forkCard = page.locator(`.inbox-item[data-run-id="${fork.runId}"]`);
      await expect(forkCard.locator('.fork-of').textContent()).resolves.toBe(`fork of ${original.runId} at step 2`);
      const originalCard = page.locator(`.inbox-item[data-run-id="${original.runId}"]`);
      await originalCard.waitFor();
      await expect(originalCard.locator('.fork-of').count()).resolves.toBe(0);
      await Promise.all([original.cancel(), fork.cancel()]);
    });
  });
});
