/**
 * Questions and client tool calls in the web app `harness serve` shows at `/`, in a real headless
 * Chromium (Debian's `chromium`, driven by `playwright-core`) against a real server and real runs:
 * in the chat, the agent's `ask_human` question shows inline with an answer box and the answer
 * completes the run; in the inbox, another run's question and a client tool call show beside the
 * approvals, the tool's output schema becomes fields, a result the schema refuses shows the run's
 * error and changes nothing, and a valid one completes the run.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, listenHttp, WEB_APP_DIR } from '../../src/http/index.js';
import { CHROMIUM, NO_CHROMIUM } from '../support/chromium.js';
import { deskWorkspace } from '../support/desk-workspace.js';
import { uniqueId, withWorker } from '../support/harness.js';

const UI_TIMEOUT_MS = 30_000;

async function withBrowserAndServer(body: (page: Page, url: string, client: HarnessClient) => Promise<void>): Promise<void> {
  if (!existsSync(join(WEB_APP_DIR, 'index.html'))) throw new Error(`the web app is not built (${WEB_APP_DIR}): run \`npm run build:web\``);
  await withWorker(deskWorkspace({ intro: 'Let me ask where to.', question: 'Which office should the parcel go to?' }), async ({ client }) => {
    const server = await listenHttp(createHttpApp(client, { webApp: true, heartbeatMs: 1_000 }), { port: 0 });
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await (await browser.newContext({ viewport: { width: 1100, height: 820 }, timezoneId: 'UTC', locale: 'en-GB' })).newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await body(page, server.url, client);
      expect(errors).toEqual([]);
    } catch (err) {
      if (page) {
        const shot = join(tmpdir(), `web-app-waits-failure-${Date.now()}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.error(`[web-app-waits test] failed at ${page.url()}; page screenshot: ${shot}`);
      }
      throw err;
    } finally {
      await browser?.close();
      await server.close(1_000);
    }
  });
}

describe('the web app: questions and client tool calls', () => {
  it('chat: the question shows inline with an answer box; the answer completes the run', async (ctx) => {
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      const threadId = uniqueId('chat');
      await page.goto(`${url}/#/chat/${threadId}`);
      await page.getByLabel('agent').fill('desk');
      await page.getByLabel('message').fill('Please ship the parcel');
      await page.getByRole('button', { name: 'Send' }).click();

      const box = page.locator('.tool.waiting .question-box');
      await box.waitFor();
      await expect(box.locator('.question').textContent()).resolves.toBe('Which office should the parcel go to?');
      const runId = (await client.thread(threadId).status()).activeRunId!;
      expect((await client.getRun(runId).status()).pendingQuestions).toHaveLength(1);

      // An empty answer is refused on the page; nothing is sent.
      await box.getByRole('button', { name: 'Answer' }).click();
      await box.getByText('Write an answer first.').waitFor();
      await box.getByLabel('answer').fill('the Berlin office');
      await box.getByRole('button', { name: 'Answer' }).click();

      await page.locator('.message.assistant .text', { hasText: 'Shipping to: the Berlin office' }).waitFor();
      await expect(page.locator('.tool.output-available .output').textContent()).resolves.toContain('the Berlin office');
      const result = await client.getRun(runId).result();
      expect(result.output).toBe('Shipping to: the Berlin office');
      expect((await client.getRun(runId).status()).questions).toEqual([expect.objectContaining({ answer: 'the Berlin office' })]);
    });
  });

  it('inbox: a question and a client tool call beside the approvals; schema fields, a refused result shows its error, a valid one completes the run', async (ctx) => {
    ctx.skip(!CHROMIUM, NO_CHROMIUM);
    await withBrowserAndServer(async (page, url, client) => {
      const asking = await client.startRun({ agentId: 'desk', input: 'ship it', runId: uniqueId('ask') });
      const booking = await client.startRun({ agentId: 'desk', input: 'book a delivery', runId: uniqueId('book') });
      const { questionId } = (await asking.waitFor((s) => (s.pendingQuestions ?? []).length === 1)).pendingQuestions![0]!;
      const { toolCallId } = (await booking.waitFor((s) => (s.pendingToolCalls ?? []).length === 1)).pendingToolCalls![0]!;

      await page.goto(`${url}/#/inbox`);
      const question = page.locator(`.inbox-item[data-question-id="${questionId}"]`);
      const call = page.locator(`.inbox-item[data-tool-call-id="${toolCallId}"]`);
      await question.waitFor();
      await call.waitFor();
      await page.getByText('No approvals waiting.').waitFor();
      await expect(question.getAttribute('data-run-id')).resolves.toBe(asking.runId);
      await expect(question.textContent()).resolves.toContain('Which office should the parcel go to?');
      await expect(call.textContent()).resolves.toContain('client tool pick_date');
      await expect(call.locator('pre.input').textContent()).resolves.toContain('"purpose": "delivery"');

      // The output schema's field; a value it refuses comes back as the run's error and changes nothing.
      await call.getByLabel('date').fill('next tuesday');
      await call.getByRole('button', { name: 'Send result' }).click();
      await call.locator('.problem', { hasText: 'INVALID_TOOL_RESULT' }).waitFor();
      expect((await booking.status()).pendingToolCalls).toHaveLength(1);
      await call.getByLabel('date').fill('2027-01-05');
      await call.getByRole('button', { name: 'Send result' }).click();
      await call.waitFor({ state: 'detached' });
      expect((await booking.result()).output).toBe('Booked for {"date":"2027-01-05"}');

      await question.getByLabel('answer').fill('Lisbon');
      await question.getByRole('button', { name: 'Answer' }).click();
      await question.waitFor({ state: 'detached' });
      expect((await asking.result()).output).toBe('Shipping to: Lisbon');
    });
  });
});
