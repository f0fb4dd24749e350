/**
 * 5. Against LangGraph JS: the same scripted agent with one approval, run by `createAgent` +
 * `humanInTheLoopMiddleware` with a SQLite checkpointer in this process (resumed with a
 * `Command`), and by agentRun on the dev server. Time per run and bytes stored per run.
 *
 * The two are not the same product: LangGraph here is a library call that checkpoints into a
 * local file; agentRun is a durable workflow any worker on any machine can continue. The notes
 * say what each number buys.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { createChatModel } from '../../src/models/create-chat-model.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import type { LocalClients } from '../lib/context.js';
import { fetchHistory, historySize } from '../lib/history.js';
import { bytes, ms, ratio, summarize, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { lookupOrder } from '../tools.js';

const TASK_QUEUE = `bench-langgraph-${nonce}`;
/** agentRun started by a client on the worker's own connection: eager workflow start. */
const EAGER = 'agentRun, eager start (client on the worker\'s connection)';
/** The same, its model declared local and its tool declared local: every call a local activity. */
const EAGER_LOCAL = 'agentRun, eager start, local model and tool';

interface Sample {
  total: number;
  /** Start → interrupted / parked. */
  first: number;
  /** Decision → final answer. */
  second: number;
}

/** What this benchmark needs from the optional dev dependencies, loaded only when it runs. */
async function loadLangGraph() {
  const [langchain, langgraph, sqlite] = await Promise.all([
    import('langchain'),
    import('@langchain/langgraph'),
    import('@langchain/langgraph-checkpoint-sqlite'),
  ]);
  // The checkpointer's own driver, also used to read the dev server's database (no @types needed).
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteCtor;
  return { ...langchain, Command: langgraph.Command, SqliteSaver: sqlite.SqliteSaver, Database };
}

/** The little of better-sqlite3 this benchmark uses. */
interface SqliteDb {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  prepare(source: string): { get(): unknown };
  close(): void;
}
type SqliteCtor = new (file: string, options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => SqliteDb;

type LangGraphModules = Awaited<ReturnType<typeof loadLangGraph>>;

export const langgraph: Benchmark = {
  name: 'langgraph',
  title: '5. Against LangGraph JS (createAgent + humanInTheLoopMiddleware + SqliteSaver, one approval)',
  async run(ctx, log) {
    let lg: LangGraphModules;
    try {
      lg = await loadLangGraph();
    } catch (err) {
      const why = `SKIPPED: langchain / @langchain/langgraph-checkpoint-sqlite / better-sqlite3 could not be loaded (${(err as Error).message}). Install the dev dependencies (npm install) to run it.`;
      log(why);
      return { tables: [], notes: [why], data: { skipped: why } };
    }
    const runs = ctx.mode === 'full' ? 200 : 20;
    const warmup = 3;
    const agent = ctx.workspace.agents.get(AGENTS.gated)!;
    const model = await createChatModel(agent.model!, ctx.workspace.config.models[agent.model!]!);

    // Two LangGraph setups: SqliteSaver as shipped (WAL, SQLite's default synchronous=FULL:
    // an fsync per commit), and with synchronous=OFF, the pragma our dev server runs with.
    const setups = [
      { key: 'langgraph (synchronous=FULL, as shipped)', file: join(ctx.dir, 'lg-full.sqlite'), pragma: undefined },
      { key: 'langgraph (synchronous=OFF, like the dev server)', file: join(ctx.dir, 'lg-off.sqlite'), pragma: 'synchronous=OFF' },
    ].map((s) => {
      const saver = lg.SqliteSaver.fromConnString(s.file);
      if (s.pragma) saver.db.pragma(s.pragma);
      const graph = lg.createAgent({
        model,
        tools: [lookupOrder],
        systemPrompt: agent.systemPrompt,
        middleware: [lg.humanInTheLoopMiddleware({ interruptOn: { lookup_order: true } })],
        checkpointer: saver,
      });
      return { ...s, saver, graph };
    });

    const runLangGraph = async (setup: (typeof setups)[number], threadId: string): Promise<Sample> => {
      const config = { configurable: { thread_id: threadId } };
      const t0 = performance.now();
      const first = await setup.graph.invoke({ messages: [{ role: 'user', content: ORDER_QUESTION }] }, config);
      if (!first.__interrupt__?.length) throw new Error('LangGraph did not interrupt for approval');
      const t1 = performance.now();
      const final = await setup.graph.invoke(new lg.Command({ resume: { decisions: [{ type: 'approve' }] } }), config);
      const t2 = performance.now();
      const last = final.messages.at(-1);
      if (!String(last?.content ?? '').includes('Order A-1001')) throw new Error(`unexpected LangGraph answer: ${String(last?.content)}`);
      return { total: t2 - t0, first: t1 - t0, second: t2 - t1 };
    };

    // `local`: the clients of an app that embeds the worker (its connection; runs start eagerly).
    const runOurs = async (id: string, local?: LocalClients, agentId: string = AGENTS.gated): Promise<Sample> => {
      const t0 = performance.now();
      const run = await (local?.harness ?? ctx.harness(TASK_QUEUE)).startRun({ agentId, input: ORDER_QUESTION, runId: id });
      if (local && !run.eagerlyStarted) throw new Error(`${id} was not started eagerly`);
      const handle = (local?.temporal ?? ctx.temporal).workflow.getHandle(id);
      const approvalId = await waitForPending(handle, 'harness');
      const t1 = performance.now();
      await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
      const result = (await handle.result()) as { output: string };
      const t2 = performance.now();
      if (!result.output.includes('Order A-1001')) throw new Error(`unexpected answer: ${result.output}`);
      return { total: t2 - t0, first: t1 - t0, second: t2 - t1 };
    };

    const samples = new Map<string, Sample[]>([['agentRun', []], [EAGER, []], [EAGER_LOCAL, []], ...setups.map((s) => [s.key, []] as [string, Sample[]])]);
    const oursIds: string[] = [];
    let counter = 0;
    const serverDb = openReadOnly(lg.Database, ctx.dbFile);
    let storage: Record<string, { before: Storage; after: Storage }> = {};

    await ctx.withWorker(TASK_QUEUE, async (local) => {
      // Warm up both sides (first-call costs: module init, table creation, workflow cache).
      for (let i = 0; i < warmup; i++) {
        await runOurs(`lg-ours-${nonce}-w${i}`);
        await runOurs(`lg-eager-${nonce}-w${i}`, local);
        await runOurs(`lg-local-${nonce}-w${i}`, local, AGENTS.allLocalGated);
        for (const s of setups) await runLangGraph(s, `warm-${i}`);
      }
      // The server's database grows for both agentRun rows alike: its growth is measured over both, per run.
      const before: Record<string, Storage> = { agentRun: logicalSize(serverDb), ...Object.fromEntries(setups.map((s) => [s.key, checkpointStorage(s.saver.db)])) };
      for (let i = 0; i < runs; i++) {
        const id = `lg-ours-${nonce}-${counter++}`;
        oursIds.push(id);
        // Interleaved, order rotated each round: no runtime always goes first.
        const steps: (() => Promise<void>)[] = [
          async () => void samples.get('agentRun')!.push(await runOurs(id)),
          async () => void samples.get(EAGER)!.push(await runOurs(`lg-eager-${nonce}-${i}`, local)),
          async () => void samples.get(EAGER_LOCAL)!.push(await runOurs(`lg-local-${nonce}-${i}`, local, AGENTS.allLocalGated)),
          ...setups.map((s) => async () => void samples.get(s.key)!.push(await runLangGraph(s, `thread-${i}`))),
        ];
        for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
        if ((i + 1) % 10 === 0) log(`  ${i + 1}/${runs} runs each`);
      }
      const grown = logicalSize(serverDb);
      // The three agentRun variants share the server's database: each is given a third of its growth.
      const third = (b: Storage, a: Storage): Storage => ({ ...a, logicalBytes: b.logicalBytes + (a.logicalBytes - b.logicalBytes) / 3 });
      storage = Object.fromEntries([
        ...['agentRun', EAGER, EAGER_LOCAL].map((key) => [key, { before: before.agentRun!, after: third(before.agentRun!, grown) }]),
        ...setups.map((s) => [s.key, { before: before[s.key]!, after: checkpointStorage(s.saver.db) }]),
      ]);
    });
    serverDb.close();

    // History of a run: the regular agentRun's (the eager one's is the same but for its start), and the all-local one's.
    const historyOf = async (ids: string[]) => {
      const histories = await Promise.all(ids.slice(0, 10).map((id) => fetchHistory(ctx.temporal, id)));
      return { bytes: summarize(histories.map((h) => historySize(h).bytes)).mean, events: summarize(histories.map((h) => historySize(h).events)).mean };
    };
    const regularHistory = await historyOf(oursIds);
    const localHistory = await historyOf(Array.from({ length: Math.min(runs, 10) }, (_, i) => `lg-local-${nonce}-${i}`));

    const ours = summarize(samples.get('agentRun')!.map((s) => s.total));
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = { runs, warmup };
    for (const [key, list] of samples) {
      const total = summarize(list.map((s) => s.total));
      const first = summarize(list.map((s) => s.first));
      const second = summarize(list.map((s) => s.second));
      const st = storage[key]!;
      const dbPerRun = (st.after.logicalBytes - st.before.logicalBytes) / runs;
      const history = key === EAGER_LOCAL ? localHistory : key === 'agentRun' || key === EAGER ? regularHistory : undefined;
      const payloadPerRun = history ? history.bytes : (st.after.payloadBytes - st.before.payloadBytes) / runs;
      const rowsPerRun = history ? history.events : (st.after.rows - st.before.rows) / runs;
      rows.push([key, ms(total.p50), ms(total.p95), ratio(total.p50 / ours.p50), ms(first.p50), ms(second.p50), bytes(payloadPerRun), rowsPerRun.toFixed(1), bytes(dbPerRun)]);
      data[key] = { total, first, second, storage: st, dbBytesPerRun: dbPerRun, payloadBytesPerRun: payloadPerRun, recordsPerRun: rowsPerRun };
    }
    return {
      tables: [
        {
          title: `${runs} runs each, interleaved, after ${warmup} warm-up runs; ms. "record" = Temporal history (events) / LangGraph checkpoint + write rows`,
          text: table(['runtime', 'p50', 'p95', 'p50 vs agentRun', 'to approval p50', 'approval→done p50', 'record bytes / run', 'events or rows / run', 'SQLite growth / run'], rows),
        },
      ],
      notes: [
        `agentRun eagerly started, its model and its tool declared local (every call a local activity in the run's workflow task): ${ms((data[EAGER_LOCAL] as { total: { p50: number } }).total.p50)} ms p50, ${ratio((data[EAGER_LOCAL] as { total: { p50: number } }).total.p50 / (data[setups[0]!.key] as { total: { p50: number } }).total.p50)} LangGraph's (target ≤ 2.5×). Local calls suit calls of a few seconds at most (models.<id>.local, tools.perTool.<name>.local: see docs/production.md).`,
        `eagerly started agentRun (client on the worker's connection, as \`harness serve --worker\` or an app using HarnessWorker.client() runs it): ${ms((data[EAGER] as { total: { p50: number } }).total.p50)} ms p50, ${ratio((data[EAGER] as { total: { p50: number } }).total.p50 / (data[setups[0]!.key] as { total: { p50: number } }).total.p50)} LangGraph's (target ≤ 2.5×).`,
        `p50 per run: agentRun ${ms(ours.p50)} ms, LangGraph ${ms((data[setups[0]!.key] as { total: { p50: number } }).total.p50)} ms (${ratio(ours.p50 / (data[setups[0]!.key] as { total: { p50: number } }).total.p50)} slower): every agentRun step is a round trip through the server (a task dispatched to a worker, its completion recorded; see benchmarks 0 and 1), LangGraph's are function calls in this process.`,
        'agentRun: start → parked (status polled every 2 ms) → update → result, through the dev server (gRPC on loopback, server-side SQLite with WAL and synchronous=OFF). LangGraph: two invoke() calls in this process, no network.',
        'What agentRun\'s time buys: the run and its approval survive the loss of the worker, the client or the machine (state is in the server, not the process); any worker continues it, any client decides it (signal/update, CLI, Web UI); each step has timeouts and retries; runs are listed and filtered by state.',
        'What LangGraph\'s time buys: a checkpoint per step in a local SQLite file; a resume must run where that file is, and nothing resumes a run by itself after a crash or retries a step — the app builds that.',
        '"SQLite growth / run" of the three agentRun rows: the dev server database\'s growth over them, a third each (they share it). "SQLite growth / run": logical size (pages in use) of the dev server\'s database — history, mutable state, visibility, task queues and their indexes — vs the checkpointer file; "record bytes": encoded history vs checkpoint/metadata/write blobs.',
      ],
      data,
    };
  },
};

interface Storage {
  /** Pages in use × page size (what the data occupies, whatever the file's free pages). */
  logicalBytes: number;
  /** Sum of the checkpoint, metadata and write blobs (LangGraph only). */
  payloadBytes: number;
  rows: number;
}

function openReadOnly(DatabaseCtor: SqliteCtor, file: string): SqliteDb {
  return new DatabaseCtor(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
}

function logicalSize(db: SqliteDb): Storage {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return { logicalBytes: (pages - free) * pageSize, payloadBytes: 0, rows: 0 };
}

function checkpointStorage(db: SqliteDb): Storage {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const cp = db.prepare('SELECT count(*) AS n, coalesce(sum(length(checkpoint) + length(metadata)), 0) AS b FROM checkpoints').get() as { n: number; b: number };
  const wr = db.prepare('SELECT count(*) AS n, coalesce(sum(length(value)), 0) AS b FROM writes').get() as { n: number; b: number };
  return { ...logicalSize(db), payloadBytes: cp.b + wr.b, rows: cp.n + wr.n };
}
