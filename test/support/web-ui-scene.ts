/**
 * The scene the Web UI test looks at and `npm run screenshots` photographs: a dev server with its
 * Web UI, a worker, and three runs of a refund story: one finished, one parked on a refund only
 * alice (or anyone with role finance) may approve within 7 days, and one routed (`auto`) to
 * `support`, which delegated the refund to its sub-agent `billing`, parked on bob's approval.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessClient, type RunHandle } from '../../src/client/index.js';
import { startDevServer, type DevServer } from '../../src/devserver/index.js';
import { createHarnessWorker, type HarnessWorker } from '../../src/worker/index.js';
import type { RunStatus } from '../../src/workflows/run/contract.js';
import { tempDir } from './paths.js';

const EXAMPLE_TOOLS = fileURLToPath(new URL('../../examples/tools.ts', import.meta.url));

/** The parked run's input (the README's screenshot shows it). */
export const SCENE_INPUT = 'Please refund order A-1001: the espresso grinder arrived with a cracked hopper.';

/** The example tools (a refund story that reads well in a screenshot) and a scripted model. */
function writeSceneWorkspace(dir: string): string {
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
      - when: "^Refund request"
        turns:
          - toolCalls: [{ name: issue_refund, args: { orderId: A-1002, amount: 19.5, reason: Never arrived } }]
          - text: "Billing: {{lastToolResult}}"
      - when: "^Delegate"
        turns:
          - text: Refunds are billing's job; I'll ask billing.
            toolCalls: [{ name: billing, args: { input: "Refund request: order A-1002, $19.50, never arrived." } }]
          - text: "Done. {{lastToolResult}}"
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
    subAgents: [billing]
    requireApproval: [{ tool: issue_refund, approvers: [alice, "role:finance"], timeout: 7d, onTimeout: reject }]
  - id: billing
    model: demo-model
    tools: [issue_refund]
    requireApproval: [{ tool: issue_refund, approvers: [bob] }]
defaultAgent: support
`,
  );
  return file;
}

export interface WebUiScene {
  server: DevServer;
  uiUrl: string;
  client: HarnessClient;
  /** A run that completed (a filter on waiting runs must leave it out). */
  done: RunHandle;
  /** Parked on `issue_refund`, approvers alice / role:finance, 7-day deadline. */
  parked: RunHandle;
  parkedStatus: RunStatus;
  /** Started as `auto`, routed to support, waiting on its sub-agent billing's approval (bob). */
  parent: RunHandle;
  parentStatus: RunStatus;
  close(): Promise<void>;
}

/** Starts the server, the worker and the runs; `close()` stops everything. */
export async function startWebUiScene(options: { workflowBundlePath?: string } = {}): Promise<WebUiScene> {
  const server = await startDevServer({ ui: true });
  let worker: HarnessWorker | undefined;
  let running: Promise<void> | undefined;
  let client: HarnessClient | undefined;
  const close = async () => {
    await client?.close();
    if (worker) {
      worker.worker.shutdown();
      await running;
      await worker.close();
    }
    await server.stop();
  };
  try {
    const taskQueue = `ui-${randomUUID().slice(0, 8)}`;
    // Plain payloads whatever the environment says: this UI has no codec server to decode them.
    worker = await createHarnessWorker({
      workspace: writeSceneWorkspace(tempDir()),
      address: server.address,
      taskQueue,
      dataConverter: {},
      ...(options.workflowBundlePath && { workflowBundle: { codePath: options.workflowBundlePath } }),
    });
    running = worker.worker.run();
    client = await HarnessClient.connect({ address: server.address, taskQueue, dataConverter: {} });
    const done = await client.startRun({ agentId: 'support', input: 'hello there' });
    await done.result();
    const parked = await client.startRun({ agentId: 'support', input: SCENE_INPUT });
    const parkedStatus = await parked.waitFor((s) => s.state === 'waiting_for_approval');
    const parent = await client.startRun({ input: 'Delegate this: order A-1002 never arrived, please refund it.' });
    const parentStatus = await parent.waitFor((s) => s.state === 'waiting_for_approval' && s.pendingApprovals.length > 0);
    return { server, uiUrl: server.uiUrl!, client, done, parked, parkedStatus, parent, parentStatus, close };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}
