/** The chaos workspace: a slow-streaming scripted model, a slow tool, and a ledger tool needing approval. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = fileURLToPath(new URL('./tools.ts', import.meta.url));

export const CHAOS_AGENT = 'refunder';

/**
 * Every run: model turn (slowly streamed text + `slow_lookup`) → model turn (`issue_refund`, parks
 * for approval) → refund → model turn (slowly streamed final text).
 */
export function writeChaosWorkspace(dir: string, streamDelayMs: number): string {
  const file = join(dir, 'harness.yaml');
  writeFileSync(
    file,
    `version: 1
models:
  slow:
    provider: scripted
    streamDelay: ${streamDelayMs}
    script:
      - turns:
          - text: "Let me look up that order for you first, then I will refund it right away for you"
            toolCalls: [{ name: slow_lookup, args: { orderId: A-1001 } }]
          - toolCalls: [{ name: issue_refund, args: { orderId: A-1001, amount: 12.5, reason: chaos } }]
          - text: "All done now, here is what happened with your refund request today: {{lastToolResult}}"
tools:
  module: ${JSON.stringify(TOOLS)}
agents:
  - id: ${CHAOS_AGENT}
    model: slow
    tools: [slow_lookup, issue_refund]
    requireApproval: [issue_refund]
limits:
  # Short, so a dead worker's in-flight call is retried on the other worker within seconds.
  heartbeatTimeout: 2s
  # Kills fail attempts; enough attempts that no run fails for lack of them.
  modelRetry: { maximumAttempts: 50, initialInterval: 100ms, maximumInterval: 1s }
  toolRetry: { maximumAttempts: 50, initialInterval: 100ms, maximumInterval: 1s }
`,
  );
  return file;
}
