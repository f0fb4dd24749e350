/** The workspace the sub-agent tests share. */
import { writeWorkspace } from './harness.js';

/**
 * support → billing → ledger. billing's record_effect needs alice or bob; ledger's needs anyone.
 * The scripted model picks its answer by each run's own input, so one model serves all three.
 */
export function chainWorkspace(dir: string, effects: string, maxAgentDepth = 3): string {
  const f = JSON.stringify(effects);
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: ^ledger job
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: ledger, amount: 1 } }]
          - text: "ledger: {{lastToolResult}}"
      - when: ^billing deep
        turns:
          - toolCalls: [{ name: ledger, args: { input: ledger job } }]
          - text: "billing: {{lastToolResult}}"
      - when: ^billing job
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: refund, amount: 42 } }]
          - text: "billing: {{lastToolResult}}"
      - when: ^support deep
        turns:
          - toolCalls: [{ name: billing, args: { input: billing deep } }]
          - text: "support: {{lastToolResult}}"
      - when: ^support broken
        turns:
          - toolCalls: [{ name: billing, args: { input: no rule matches this } }]
          - text: "support: {{lastToolResult}}"
      - when: ^support
        turns:
          - toolCalls: [{ name: billing, args: { input: billing job } }]
          - text: "support: {{lastToolResult}}"
agents:
  - id: support
    model: m
    subAgents: [billing]
  - id: billing
    model: m
    tools: [record_effect]
    subAgents: [ledger]
    requireApproval: [{ tool: record_effect, approvers: [alice, bob] }]
  - id: ledger
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
limits:
  maxAgentDepth: ${maxAgentDepth}
`,
  );
}
