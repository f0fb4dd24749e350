/** The bench workspace: scripted models only, so every figure is orchestration, not inference. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_TOOLS = fileURLToPath(new URL('../tools.ts', import.meta.url));

/** Agent ids of the bench workspace. */
export const AGENTS = {
  /** model → lookup_order → model. */
  plain: 'plain',
  /** The same, with lookup_order behind an approval. */
  gated: 'gated',
  /** model → lookup_order_local (a tool declared local: a local activity) → model. */
  localTool: 'local-tool',
  /** The same, with lookup_order_local behind an approval. */
  localGated: 'local-gated',
  /** model (declared local) → lookup_order_local → model: every call a local activity. */
  allLocal: 'all-local',
  /** The same, with lookup_order_local behind an approval. */
  allLocalGated: 'all-local-gated',
  /** `turns` model calls, each but the last reading a ~1 KB page: a long conversation. */
  reader: 'reader',
  /** One model call streaming {@link TALKER_TOKENS} words {@link TALKER_DELAY_MS} ms apart (token latency). */
  talker: 'talker',
} as const;

/** Words the `talker` agent's model streams, and the pause between them (token-latency benchmark). */
export const TALKER_TOKENS = 50;
export const TALKER_DELAY_MS = 20;

/** The user message every short scenario starts with. */
export const ORDER_QUESTION = 'Where is order A-1001?';

/**
 * Writes the bench workspace file into `dir` and returns its path.
 * @param readerTurns model calls of the `reader` agent's conversation (history benchmark).
 */
export function writeBenchWorkspace(dir: string, readerTurns: number): string {
  const pages = Array.from({ length: readerTurns - 1 }, (_, i) => `          - toolCalls: [{ name: read_page, args: { page: ${i + 1} } }]`);
  const yaml = `version: 1
tools:
  module: ${JSON.stringify(BENCH_TOOLS)}
  perTool: { lookup_order_local: { local: true } }
models:
  scripted:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: lookup_order, args: { orderId: A-1001 } }]
          - text: "Here is what I found. {{lastToolResult}}"
  scripted-local:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: lookup_order_local, args: { orderId: A-1001 } }]
          - text: "Here is what I found. {{lastToolResult}}"
  scripted-all-local:
    provider: scripted
    local: true
    script:
      - turns:
          - toolCalls: [{ name: lookup_order_local, args: { orderId: A-1001 } }]
          - text: "Here is what I found. {{lastToolResult}}"
  reader-model:
    provider: scripted
    script:
      - turns:
${pages.join('\n')}
          - text: "I read ${readerTurns - 1} pages."
  talker-model:
    provider: scripted
    streamDelay: ${TALKER_DELAY_MS}ms
    script:
      - turns:
          - text: "${Array.from({ length: TALKER_TOKENS }, (_, i) => `w${i}`).join(' ')}"
agents:
  - id: ${AGENTS.talker}
    model: talker-model
    systemPrompt: You talk.
  - id: ${AGENTS.plain}
    model: scripted
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order]
  - id: ${AGENTS.gated}
    model: scripted
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order]
    requireApproval: [lookup_order]
  - id: ${AGENTS.localTool}
    model: scripted-local
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order_local]
  - id: ${AGENTS.localGated}
    model: scripted-local
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order_local]
    requireApproval: [lookup_order_local]
  - id: ${AGENTS.allLocal}
    model: scripted-all-local
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order_local]
  - id: ${AGENTS.allLocalGated}
    model: scripted-all-local
    systemPrompt: You are a support agent. Be brief.
    tools: [lookup_order_local]
    requireApproval: [lookup_order_local]
  - id: ${AGENTS.reader}
    model: reader-model
    systemPrompt: You read documents page by page.
    tools: [read_page]
defaultAgent: ${AGENTS.plain}
limits:
  maxSteps: ${Math.max(20, readerTurns + 5)}
`;
  const file = join(dir, 'harness.yaml');
  writeFileSync(file, yaml);
  return file;
}
