/**
 * The README's browser snippet, run as written in a real headless Chromium (Debian's `chromium`,
 * driven by `playwright-core`) against `listenHttp(createHttpApp(…))`: `EventSource` with
 * `?named=false` delivers every run event to `onmessage`, live, through an approval; the page
 * closes on `end` and never reconnects. A page that ignores `end` reconnects once, gets 204, and
 * `EventSource` stops for good (its own rules, not ours).
 *
 * Skipped, with a message, only when no Chromium executable exists (`CHROMIUM_PATH` overrides the
 * default `/usr/bin/chromium`); install it with `apt-get install -y chromium`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../../src/client/index.js';
import { createHttpApp, listenHttp, type RequestLog } from '../../src/http/index.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((f): f is string => !!f && existsSync(f));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const TIMEOUT_MS = 30_000;

/** The README's ```js block that defines followRun, with its placeholder run id replaced. */
function readmeSnippet(runId: string): string {
  const blocks = [...readFileSync(README, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const snippet = blocks.find((b) => b.includes('function followRun'));
  if (!snippet) throw new Error('README: no ```js block defining followRun');
  expect(snippet).toContain("followRun('run-…',");
  return snippet.replace("'run-…'", JSON.stringify(runId));
}

// Runs before any page script: remember every EventSource a page makes, to read its readyState.
const RECORD_SOURCES = `
  window.__sources = [];
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) { super(...args); window.__sources.push(this); }
  };`;

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "Let me record that. "
            toolCalls: [{ name: record_effect, args: { file: /dev/null, label: refund } }]
          - text: "Done: {{lastToolResult}}."
agents:
  - { id: payer, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
}

describe.skipIf(!CHROMIUM)('the README browser snippet (EventSource in Chromium)', () => {
  it('follows a run live through an approval with onmessage, closes on end, and a page ignoring end stops after one 204', async () => {
    const requests: RequestLog[] = [];
    let browser: Browser | undefined;
    await withWorker(workspace(), async ({ client }) => {
      const server = await listenHttp(createHttpApp(client, { onRequest: (r) => requests.push(r) }), { port: 0 });
      try {
        const run = await client.startRun({ agentId: 'payer', input: 'refund it' });
        const eventsPath = `/runs/${run.runId}/events`;
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
        const page = await browser.newPage();
        page.setDefaultTimeout(TIMEOUT_MS);
        const consoleLines: string[] = [];
        page.on('console', (m) => consoleLines.push(m.text()));
        await page.addInitScript(RECORD_SOURCES);
        await page.goto(`${server.url}/healthz`); // a page of the API's own origin
        await page.evaluate(`document.body.textContent = ''`);
        await page.addScriptTag({ content: readmeSnippet(run.runId) });

        // Live: the approval request reaches the page while the run waits for it.
        const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
        await page.waitForFunction(`document.body.textContent === 'Let me record that. '`);
        for (const deadline = Date.now() + TIMEOUT_MS; !consoleLines.some((l) => l.startsWith('needs approval:')); ) {
          if (Date.now() > deadline) throw new Error(`no "needs approval:" console line; saw ${JSON.stringify(consoleLines)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        await run.approve({ approvalId: parked.pendingApprovals[0]!.approvalId, approver: 'ann' });

        // The page got every token and closed on `end`: EventSource.CLOSED is final.
        await page.waitForFunction(`window.__sources[0].readyState === 2`);
        const expected = (await collect(run.events())).filter((e) => e.type === 'output.delta').map((e) => (e as { text: string }).text).join('');
        expect(expected).toBe('Let me record that. Done: recorded refund.');
        expect(await page.evaluate('document.body.textContent')).toBe(expected);
        expect(requests.filter((r) => r.path === eventsPath).map((r) => r.status)).toEqual([200]);

        // A page that only sets onmessage: it reconnects once after the stream ends, gets 204, stops.
        await page.evaluate(`
          window.__seen = [];
          const plain = new EventSource(${JSON.stringify(`${eventsPath}?named=false`)});
          plain.onmessage = (m) => window.__seen.push(JSON.parse(m.data).type);`);
        await page.waitForFunction(`window.__sources[1].readyState === 2`);
        const all = await collect(run.events());
        expect(await page.evaluate('window.__seen')).toEqual(all.map((e) => e.type));
        expect(requests.filter((r) => r.path === eventsPath).map((r) => r.status)).toEqual([200, 200, 204]);
      } finally {
        await browser?.close();
        await server.close(1_000);
      }
    });
  });
});

async function collect(events: AsyncIterable<{ event: HarnessEvent }>): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of events) out.push(event);
  return out;
}
