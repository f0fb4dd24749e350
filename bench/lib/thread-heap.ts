/**
 * The V8 heaps of this process's worker threads (Node's internal ones left out), read through the in-process inspector
 * (`NodeWorker` domain). The Temporal worker runs workflow code in a worker thread of its own, whose
 * heap `process.memoryUsage()` does not count and whose garbage `global.gc()` does not collect; the
 * bench worker (bench/worker-child.ts) uses this to report and collect it. Node 20 has no
 * `Worker.getHeapStatistics()` (added in 22.16), hence the inspector.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';

/** Used and reserved bytes of one isolate's heap (`Runtime.getHeapUsage`). */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

export interface ThreadHeaps {
  /** Heap usage of every worker thread, summed; `collect` runs a full GC in each first. */
  usage(collect: boolean): Promise<HeapUsage & { threads: number }>;
  /** Writes a heap snapshot of the first worker thread to `file` (open it in Chrome DevTools). */
  snapshot(file: string): Promise<void>;
  close(): void;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

/** Attaches to every worker thread of this process (present and future). */
export async function attachThreadHeaps(): Promise<ThreadHeaps> {
  const session = new Session();
  session.connect();
  const threads = new Set<string>();
  const waiting = new Map<number, (reply: Reply) => void>();
  let nextId = 0;
  session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { url: string } } }) => {
    // Node's own threads (the ESM loader thread `--import tsx` runs its hooks in: ~14 MiB) are not the worker's.
    if (!m.params.workerInfo.url.startsWith('node:')) threads.add(m.params.sessionId);
  });
  session.on('NodeWorker.detachedFromWorker', (m: { params: { sessionId: string } }) => threads.delete(m.params.sessionId));
  let chunks: string[] | undefined;
  session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { message: string } }) => {
    const message = JSON.parse(m.params.message) as Reply & { method?: string; params?: { chunk: string } };
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') return void chunks?.push(message.params!.chunk);
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  await new Promise<void>((resolve, reject) =>
    session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (err) => (err ? reject(err) : resolve())),
  );
  const call = <T>(sessionId: string, method: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (reply) => (reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply.result as T)));
      session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method }) });
    });
  return {
    async usage(collect) {
      let usedSize = 0;
      let totalSize = 0;
      for (const thread of threads) {
        if (collect) await call(thread, 'HeapProfiler.collectGarbage');
        const heap = await call<HeapUsage>(thread, 'Runtime.getHeapUsage');
        usedSize += heap.usedSize;
        totalSize += heap.totalSize;
      }
      return { usedSize, totalSize, threads: threads.size };
    },
    async snapshot(file) {
      const [thread] = threads;
      if (thread === undefined) throw new Error('no worker thread to snapshot');
      chunks = [];
      await call(thread, 'HeapProfiler.takeHeapSnapshot');
      await writeFile(file, chunks.join(''));
      chunks = undefined;
    },
    close: () => session.disconnect(),
  };
}
