/** Shared pieces of the big-payload tests: a workspace of big tool results and checks on a run's result and history. */
import { expect } from 'vitest';
import type { HarnessClient, RunHandle, TranscriptMessage } from '../../src/client/index.js';
import { transcriptPageQuery } from '../../src/workflows/shared/conversation.js';
import { writeWorkspace } from '../support/harness.js';
import { byAssistantTurns, reply, type OpenAIStub, type RecordedRequest } from '../support/openai-stub.js';
import { tempDir } from '../support/paths.js';
import { rawHistory } from '../support/security.js';

export const RESULTS = 20;
export const RESULT_BYTES = 1_000_000;
export const MiB = 1024 * 1024;
/** The inline file of the done-means run (issue 15): 10 MB. */
export const FILE_BYTES = 10_000_000;
/** What the model gets of each big result (the workspace's `tools.perTool.big_result.maxResultChars`). */
export const MODEL_RESULT_CHARS = 50_000;
/** The environment variable the stub model's workspace names for its (fake) API key. */
export const STUB_KEY_ENV = 'BIG_PAYLOADS_STUB_KEY';

/** The stub model's script: the first turn asks for RESULTS big results (gated as `bigResultsWorkspace`), the second answers "done". */
export function bigResultsModel(options: { file?: string; gate?: string } = {}) {
  const toolCalls = Array.from({ length: RESULTS }, (_, i) => ({
    id: `call_big_${i}`,
    name: 'big_result',
    arguments: {
      index: i,
      bytes: RESULT_BYTES,
      ...(options.file && { file: options.file }),
      ...(options.gate && i >= RESULTS / 2 && { gate: options.gate }),
    },
  }));
  return byAssistantTurns([reply.completion({ toolCalls }), reply.text('done')]);
}

/**
 * An agent whose model asks for RESULTS big results in one turn, then answers "done". With `gate`,
 * the second half of the calls wait until that file exists (so a test can kill a worker while
 * half the results are stored and half are in flight).
 */
export function bigResultsWorkspace(options: { file?: string; gate?: string; heartbeat?: string; stub?: OpenAIStub } = {}): string {
  const calls = Array.from({ length: RESULTS }, (_, i) => {
    const args = [`index: ${i}`, `bytes: ${RESULT_BYTES}`];
    if (options.file) args.push(`file: ${JSON.stringify(options.file)}`);
    if (options.gate && i >= RESULTS / 2) args.push(`gate: ${JSON.stringify(options.gate)}`);
    return `              - { name: big_result, args: { ${args.join(', ')} } }`;
  }).join('\n');
  // With a stub, the model is a real OpenAI-compatible endpoint that records what it was sent.
  const model = options.stub
    ? `    provider: openai\n    model: stub\n    baseUrl: ${options.stub.baseUrl}\n    apiKeyEnv: ${STUB_KEY_ENV}`
    : `    provider: scripted\n    script:\n      - turns:\n          - toolCalls:\n${calls}\n          - text: "done"`;
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
${model}
agents:
  - id: bulk
    model: m
    tools: [big_result]
limits:
  maxInputChars: 20000000
  maxInlineFileBytes: 20000000
${options.heartbeat ? `  heartbeatTimeout: ${options.heartbeat}\n` : ''}`,
    `  perTool:\n    big_result: { maxResultChars: ${MODEL_RESULT_CHARS} }\n`,
  );
}

/** A large run input that is easy to check: `input-` then filler. */
export function bigInput(bytes: number, prefix = 'input-'): string {
  return `${prefix}${'0123456789'.repeat(Math.ceil(bytes / 10))}`.slice(0, bytes);
}

export interface RunFigures {
  historyBytes: number;
  historyEvents: number;
  rawHistoryBytes: number;
  resultBytes: number;
  statusBytes: number;
  eventsBytes: number;
  largestTranscriptPageBytes: number;
  transcriptPages: number;
}

/** What the run was given: its input, and its inline file when it had one. */
export interface BigRunInputs {
  input: string;
  file?: { name: string; content: string };
}

/**
 * Asserts the run completed with every result, the input and the file whole and retrievable by
 * reference, its result, status, events and transcript pages each under 1 MiB, and its history
 * too; with `stub`, that the model was given the whole input and file and each result cut to
 * MODEL_RESULT_CHARS with its truncation marker. Returns the figures for the report.
 */
export async function checkBigRun(client: HarnessClient, run: RunHandle, given: BigRunInputs, stub?: OpenAIStub): Promise<RunFigures> {
  const result = await run.result();
  expect(result.output).toBe('done');
  const resultBytes = Buffer.byteLength(JSON.stringify(result));
  expect(resultBytes).toBeLessThan(MiB);

  // The transcript, page by page: every page bounded, and the same messages as the result.
  const messages: TranscriptMessage[] = [];
  let largestTranscriptPageBytes = 0;
  let transcriptPages = 0;
  for (let offset: number | undefined = 0; offset !== undefined; transcriptPages++) {
    const page = await run.transcript({ offset, limit: 500 });
    largestTranscriptPageBytes = Math.max(largestTranscriptPageBytes, Buffer.byteLength(JSON.stringify(page)));
    messages.push(...page.messages);
    offset = page.nextOffset;
  }
  expect(messages).toEqual(result.messages);
  expect(largestTranscriptPageBytes).toBeLessThan(MiB);
  const all: TranscriptMessage[] = [];
  for await (const m of run.messages()) all.push(m);
  expect(all).toEqual(messages);

  // Nothing lost: the input (with the file) and each result, whole, by reference.
  const first = messages[0]!;
  expect(first.role).toBe('user');
  expect(first.contentRef).toBeDefined();
  const userText = await run.readContent(first.contentRef!);
  expect(userText.startsWith(given.input)).toBe(true);
  if (given.file) {
    expect(userText.includes(given.file.content)).toBe(true);
    expect(userText.length).toBeGreaterThan(given.input.length + given.file.content.length);
  } else {
    expect(userText).toBe(given.input);
  }
  const tools = messages.filter((m): m is Extract<TranscriptMessage, { role: 'tool' }> => m.role === 'tool');
  expect(tools).toHaveLength(RESULTS);
  for (const m of tools) expect(m.contentRef, `tool result kept by reference, got: ${m.content.slice(0, 300)}`).toBeDefined();
  const fullResults = await Promise.all(tools.map((m) => run.readContent(m.contentRef!.blobId)));
  fullResults.forEach((text, i) => {
    expect(text.length).toBe(RESULT_BYTES);
    expect(text.startsWith(`big-${i}:`)).toBe(true);
    expect(tools[i]!.content.length).toBeLessThan(2000); // a preview, not a copy
  });

  if (stub) checkWhatTheModelSaw(stub, given, fullResults, tools);

  // Bounded replies: status, the event stream (as a finished run's log), history.
  const status = await run.status();
  let eventsBytes = 0;
  for await (const item of run.events()) eventsBytes += Buffer.byteLength(JSON.stringify(item));
  expect(eventsBytes).toBeLessThan(MiB);
  const described = await client.temporal.workflow.getHandle(run.runId).describe();
  const raw = await rawHistory(run.runId);
  const figures: RunFigures = {
    historyBytes: described.historySize ?? -1,
    historyEvents: described.historyLength,
    rawHistoryBytes: Buffer.byteLength(raw.text),
    resultBytes,
    statusBytes: Buffer.byteLength(JSON.stringify(status)),
    eventsBytes,
    largestTranscriptPageBytes,
    transcriptPages,
  };
  expect(figures.statusBytes).toBeLessThan(MiB);
  expect(figures.historyBytes).toBeGreaterThan(0);
  expect(figures.historyBytes).toBeLessThan(MiB);
  expect(figures.rawHistoryBytes).toBeLessThan(MiB);
  // The raw query reply too (what a client without our types would get).
  const rawPage = await client.temporal.workflow.getHandle(run.runId).query(transcriptPageQuery, { offset: 0, limit: 500 });
  expect(Buffer.byteLength(JSON.stringify(rawPage))).toBeLessThan(MiB);
  return figures;
}

/** The last request of the model's second turn: the whole input and file, each result cut with its marker. */
function checkWhatTheModelSaw(stub: OpenAIStub, given: BigRunInputs, fullResults: string[], tools: Extract<TranscriptMessage, { role: 'tool' }>[]): void {
  const second = stub.completionRequests.filter((r: RecordedRequest) => r.body.messages.some((m) => m.role === 'tool')).at(-1);
  expect(second).toBeDefined();
  const sent = second!.body.messages;
  const user = sent.find((m) => m.role === 'user')!.content as string;
  expect(user.startsWith(given.input)).toBe(true);
  if (given.file) expect(user.includes(given.file.content)).toBe(true);
  const toolMessages = sent.filter((m) => m.role === 'tool');
  expect(toolMessages).toHaveLength(RESULTS);
  toolMessages.forEach((m, i) => {
    const ref = tools[i]!.contentRef!;
    const marker =
      `\n[… truncated for the model: ${RESULT_BYTES - MODEL_RESULT_CHARS} of ${RESULT_BYTES} characters cut. ` +
      `The full result (${ref.size} bytes, sha256 ${ref.sha256}) is kept as blob ${ref.blobId}.]`;
    expect(m.content).toBe(fullResults[i]!.slice(0, MODEL_RESULT_CHARS) + marker);
  });
}
