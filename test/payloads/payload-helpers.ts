/** Shared pieces of the big-payload tests: a workspace of big tool results and checks on a run's result and history. */
import { expect } from 'vitest';
import type { HarnessClient, RunHandle } from '../../src/client/index.js';
import { writeWorkspace } from '../support/harness.js';
import { tempDir } from '../support/paths.js';
import { rawHistory } from '../support/security.js';

export const RESULTS = 20;
export const RESULT_BYTES = 1_000_000;
export const MiB = 1024 * 1024;

/**
 * An agent whose model asks for RESULTS big results in one turn, then answers "done". With `gate`,
 * the second half of the calls wait until that file exists (so a test can kill a worker while
 * half the results are stored and half are in flight).
 */
export function bigResultsWorkspace(options: { file?: string; gate?: string; heartbeat?: string } = {}): string {
  const calls = Array.from({ length: RESULTS }, (_, i) => {
    const args = [`index: ${i}`, `bytes: ${RESULT_BYTES}`];
    if (options.file) args.push(`file: ${JSON.stringify(options.file)}`);
    if (options.gate && i >= RESULTS / 2) args.push(`gate: ${JSON.stringify(options.gate)}`);
    return `              - { name: big_result, args: { ${args.join(', ')} } }`;
  }).join('\n');
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls:
${calls}
          - text: "done"
agents:
  - id: bulk
    model: m
    tools: [big_result]
limits:
  maxInputChars: 20000000
${options.heartbeat ? `  heartbeatTimeout: ${options.heartbeat}\n` : ''}`,
  );
}

/** A large run input that is easy to check: `input-` then filler. */
export function bigInput(bytes: number): string {
  return `input-${'0123456789'.repeat(Math.ceil(bytes / 10))}`.slice(0, bytes);
}

export interface RunFigures {
  historyBytes: number;
  historyEvents: number;
  rawHistoryBytes: number;
  resultBytes: number;
  statusBytes: number;
}

/**
 * Asserts the run completed with every result whole and in place, the model saw all of them (its
 * token count covers them), and its history stayed small; returns the figures for the report.
 */
export async function checkBigRun(client: HarnessClient, run: RunHandle, input: string): Promise<RunFigures> {
  const result = await run.result();
  expect(result.output).toBe('done');
  const first = result.messages[0] as { role: string; content: string };
  expect(first.content.length).toBe(input.length);
  expect(first.content === input).toBe(true);
  const toolTexts = result.messages.filter((m) => m.role === 'tool').map((m) => (m as { content: string }).content);
  expect(toolTexts).toHaveLength(RESULTS);
  toolTexts.forEach((text, i) => {
    expect(text.length).toBe(RESULT_BYTES);
    expect(text.startsWith(`big-${i}:`)).toBe(true);
  });
  // About 4 characters a token: the last model call was given the input and all 20 results.
  expect(result.usage.inputTokens).toBeGreaterThan((RESULTS * RESULT_BYTES + input.length) / 4);
  const described = await client.temporal.workflow.getHandle(run.runId).describe();
  const raw = await rawHistory(run.runId);
  const status = await run.status();
  const figures: RunFigures = {
    historyBytes: described.historySize ?? -1,
    historyEvents: described.historyLength,
    rawHistoryBytes: Buffer.byteLength(raw.text),
    resultBytes: Buffer.byteLength(JSON.stringify(result)),
    statusBytes: Buffer.byteLength(JSON.stringify(status)),
  };
  expect(figures.historyBytes).toBeGreaterThan(0);
  expect(figures.historyBytes).toBeLessThan(MiB);
  expect(figures.rawHistoryBytes).toBeLessThan(MiB);
  return figures;
}
