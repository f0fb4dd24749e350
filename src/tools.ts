/**
 * What a workspace's tools module may import from the harness. A tool also receives, in
 * `config.configurable`: `runId`, `agentId`, `toolCallId`, `idempotencyKey` (unique per tool
 * call: make side effects idempotent with it), and the run's `context`, `state` and `files`.
 */
export { toolResult, type HarnessToolResult } from './activities/tool-result.js';
export type { RunFile, ToolRunContext } from './workflows/run/contract.js';
