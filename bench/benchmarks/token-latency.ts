/**
 * Token latency: a model call streams 50 words 20 ms apart; how long after the model yields each
 * word does a client have it? The worker is in-process, so the scripted model's yields are timed
 * directly (its prototype is wrapped here), and compared with when each follower received the text.
 *
 * Followers, each on its own run, interleaved round by round (order rotated):
 * - `events({ live: true })`: `RunHandle.events()` in the worker's process, live deltas merged in;
 * - `events()`: the durable log only (the default) — what every follower got before the live
 *   path, and what a follower in a process without the worker gets now;
 * - SSE: `GET /runs/{id}/events?live=true` from `createHttpApp` on a real socket, read with fetch;
 * - `/api/chat`: the AI SDK UI message stream of a new chat message (live, in log order);
 * - the same SSE and `/api/chat` requests to a `harness serve` in another process (no worker
 *   there): what a viewer connected to any other server gets — the live tail through the payload
 *   store both processes share (`src/live/`: the bench's directory store by default, PostgreSQL
 *   NOTIFY with `HARNESS_PAYLOAD_STORE=postgres`; the durable path alone with `=off`).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk } from '@langchain/core/outputs';
import type { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, listenHttp } from '../../src/http/index.js';
import { ScriptedChatModel } from '../../src/models/scripted-model.js';
import { nonce, type Benchmark } from '../lib/bench.js';
import { spawnServe } from '../lib/serve-child.js';
import { ms, percentile, summarize, table } from '../lib/stats.js';
import { AGENTS, TALKER_DELAY_MS, TALKER_TOKENS } from '../lib/workspace.js';

type Variant =
  | 'events() live'
  | 'events() durable only'
  | 'SSE (live)'
  | '/api/chat'
  | 'SSE, other process'
  | '/api/chat, other process';
const VARIANTS: Variant[] = ['events() live', 'events() durable only', 'SSE (live)', '/api/chat', 'SSE, other process', '/api/chat, other process'];

const TASK_QUEUE = `bench-tokens-${nonce}`;

/** Cumulative characters the model had yielded, and when (one entry per word). */
let emitted: { chars: number; t: number }[] = [];

/** Wraps the scripted model's streaming so each yielded text chunk is timed (bench process only). */
function timeModelYields(): () => void {
  const proto = ScriptedChatModel.prototype;
  const original = proto._streamResponseChunks;
  proto._streamResponseChunks = async function* (this: ScriptedChatModel, messages: BaseMessage[], options: ScriptedChatModel['ParsedCallOptions']): AsyncGenerator<ChatGenerationChunk> {
    let chars = 0;
    for await (const chunk of original.call(this, messages, options)) {
      if (chunk.text) emitted.push({ chars: (chars += chunk.text.length), t: performance.now() });
      yield chunk;
    }
  };
  return () => (proto._streamResponseChunks = original);
}

/** Per word: received time − yielded time, given when the follower's text reached which length. */
function latencies(received: { chars: number; t: number }[]): number[] {
  const out: number[] = [];
  let r = 0;
  for (const e of emitted) {
    while (r < received.length && received[r]!.chars < e.chars) r++;
    if (r < received.length) out.push(received[r]!.t - e.t);
  }
  return out;
}

async function followEvents(client: HarnessClient, runId: string, live: boolean): Promise<{ chars: number; t: number }[]> {
  const received: { chars: number; t: number }[] = [];
  let chars = 0;
  for await (const { event } of client.getRun(runId).events({ live })) {
    if (event.type === 'output.delta' && event.text) received.push({ chars: (chars += event.text.length), t: performance.now() });
  }
  return received;
}

/** Reads an SSE response; `textOf` says what text a message's data carries (undefined: none). */
async function readTimedText(res: Response, textOf: (block: string, data: string) => string | undefined): Promise<{ chars: number; t: number }[]> {
  const received: { chars: number; t: number }[] = [];
  let chars = 0;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return received;
    const t = performance.now();
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      const text = data && textOf(block, data.slice(6));
      if (text) received.push({ chars: (chars += text.length), t });
    }
  }
}

function followSse(url: string): Promise<{ chars: number; t: number }[]> {
  return fetch(url).then((res) =>
    readTimedText(res, (block, data) => (block.includes('event: output.delta') ? (JSON.parse(data) as { text: string }).text : undefined)),
  );
}

/** Sends a chat message (a new thread each time) and times the text deltas of its UI message stream. */
async function followChat(baseUrl: string): Promise<{ chars: number; t: number }[]> {
  const body = { id: `bench-chat-${nonce}-${randomUUID()}`, agentId: AGENTS.talker, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'talk' }] }] };
  const res = await fetch(`${baseUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return readTimedText(res, (_block, data) => {
    if (data === '[DONE]') return undefined;
    const chunk = JSON.parse(data) as { type: string; delta?: string };
    return chunk.type === 'text-delta' ? chunk.delta : undefined;
  });
}

/** What carries live items to the other process in this run (the payload store of the environment). */
function liveMedium(): string {
  const store = (process.env.HARNESS_PAYLOAD_STORE ?? 'directory').trim().toLowerCase() || 'directory';
  if (store === 'off') return 'HARNESS_PAYLOAD_STORE=off: none, so the durable path';
  return store === 'postgres' ? 'PostgreSQL NOTIFY/LISTEN' : 'directory store: a file per model call, fs.watch';
}

export const tokenLatency: Benchmark = {
  name: 'token-latency',
  title: `9. Token latency (model yields → client has it; ${TALKER_TOKENS} words ${TALKER_DELAY_MS} ms apart)`,
  async run(ctx, log) {
    const rounds = ctx.mode === 'full' ? 30 : 8;
    const warmups = 2;
    const samples = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    const firstToken = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
    const client = ctx.harness(TASK_QUEUE);
    const server = await listenHttp(createHttpApp(client), { port: 0, host: '127.0.0.1' });
    const other = await spawnServe({ address: ctx.server.address, taskQueue: TASK_QUEUE, workspace: ctx.workspaceFile });
    const restore = timeModelYields();
    const follow = async (variant: Variant) => {
      if (variant === '/api/chat') return followChat(server.url);
      if (variant === '/api/chat, other process') return followChat(other.url);
      const run = await client.startRun({ agentId: AGENTS.talker, input: 'talk' });
      const received =
        variant === 'SSE (live)' || variant === 'SSE, other process'
          ? await followSse(`${variant === 'SSE (live)' ? server.url : other.url}/runs/${run.runId}/events?live=true`)
          : await followEvents(client, run.runId, variant === 'events() live');
      await run.result();
      return received;
    };
    try {
      await ctx.withWorker(TASK_QUEUE, async () => {
        for (let round = 0; round < warmups + rounds; round++) {
          for (let i = 0; i < VARIANTS.length; i++) {
            const variant = VARIANTS[(round + i) % VARIANTS.length]!;
            emitted = [];
            const received = await follow(variant);
            const per = latencies(received);
            if (per.length !== TALKER_TOKENS) throw new Error(`${variant}: matched ${per.length} of ${TALKER_TOKENS} words`);
            if (round >= warmups) {
              samples.get(variant)!.push(...per);
              firstToken.get(variant)!.push(per[0]!);
            }
          }
          if (round >= warmups) log(`  round ${round - warmups + 1}/${rounds}`);
        }
      });
    } finally {
      restore();
      await server.close();
      await other.stop();
    }
    const data: Record<string, unknown> = { rounds, tokens: TALKER_TOKENS, delayMs: TALKER_DELAY_MS, liveMedium: liveMedium() };
    const rows = VARIANTS.map((variant) => {
      const s = summarize(samples.get(variant)!);
      const first = summarize(firstToken.get(variant)!);
      data[variant] = { perToken: s, firstToken: first };
      const list = samples.get(variant)!;
      return [variant, rounds, s.n, ms(s.p50), `${ms(percentile(list, 25))}–${ms(percentile(list, 75))}`, ms(s.p95), ms(s.max), ms(first.p50)];
    });
    const live = data['events() live'] as { perToken: { p50: number; p95: number } };
    return {
      tables: [
        {
          title: `${rounds} runs per follower after ${warmups} warm-up rounds, interleaved; per word, ms (worker in the bench process; HTTP over real sockets; "other process": a harness serve child without a worker)`,
          text: table(['follower', 'runs', 'words', 'p50', 'p25–p75', 'p95', 'max', 'first word p50'], rows),
        },
      ],
      notes: [
        `Live path, model → RunHandle.events(): p50 ${ms(live.perToken.p50)} ms, p95 ${ms(live.perToken.p95)} ms (issue #16 target ≤ 20 / 50 ms).`,
        `"durable only" is the durable path: 100 ms delta batches, a signal, a workflow task and a long-poll update with a 200 ms pause between polls. "other process" rows ride the payload store's live medium (${liveMedium()}).`,
      ],
      data,
    };
  },
};
