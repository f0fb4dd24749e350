/**
 * A LangGraph checkpointer whose latest checkpoint travels with the Temporal run instead of living
 * in a database. It is LangGraph's in-memory saver plus two things: `export()` serializes the latest
 * checkpoint of every namespace (with its pending writes) using the saver's own serializer, and
 * `import()` puts such a snapshot back. The workflow carries the snapshot between graph segments;
 * activity heartbeats carry it between attempts of one segment.
 */
import type { RunnableConfig } from '@langchain/core/runnables';
import { MemorySaver, type Checkpoint, type CheckpointMetadata } from '@langchain/langgraph';
import type { PendingWrite } from '@langchain/langgraph-checkpoint';

/** A serialized value: JSON text as is (readable in the Web UI), anything else base64. */
type Typed = { type: string; json: string } | { type: string; base64: string };

interface CarriedNamespace {
  ns: string;
  checkpoint: Typed;
  metadata: Typed;
  writes: { taskId: string; channel: string; value: Typed }[];
}

interface CarriedCheckpoint {
  v: 1;
  namespaces: CarriedNamespace[];
}

export class CarriedSaver extends MemorySaver {
  /** Called after every checkpoint and every batch of pending writes LangGraph saves. */
  onSaved?: (metadata?: CheckpointMetadata) => void;

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const saved = await super.put(config, checkpoint, metadata);
    this.onSaved?.(metadata);
    return saved;
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    await super.putWrites(config, writes, taskId, taskPath);
    this.onSaved?.();
  }

  /** The latest checkpoint of each namespace of `threadId`, serialized; undefined when there is none. */
  async export(threadId: string): Promise<string | undefined> {
    const namespaces: CarriedNamespace[] = [];
    for (const ns of Object.keys(this.storage[threadId] ?? {})) {
      const tuple = await this.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: ns } });
      if (!tuple) continue;
      namespaces.push({
        ns,
        checkpoint: await this.dump(tuple.checkpoint),
        metadata: await this.dump(tuple.metadata ?? {}),
        writes: await Promise.all(
          (tuple.pendingWrites ?? []).map(async ([taskId, channel, value]) => ({ taskId, channel, value: await this.dump(value) })),
        ),
      });
    }
    if (namespaces.length === 0) return undefined;
    return JSON.stringify({ v: 1, namespaces } satisfies CarriedCheckpoint);
  }

  /** Puts a snapshot from `export()` back, as the latest checkpoint of `threadId`. */
  async import(threadId: string, serialized: string): Promise<void> {
    const carried = JSON.parse(serialized) as CarriedCheckpoint;
    if (carried.v !== 1) throw new Error(`unsupported carried checkpoint version ${String(carried.v)}`);
    for (const entry of carried.namespaces) {
      const checkpoint = (await this.load(entry.checkpoint)) as Checkpoint;
      const metadata = (await this.load(entry.metadata)) as CheckpointMetadata;
      const config = await super.put({ configurable: { thread_id: threadId, checkpoint_ns: entry.ns } }, checkpoint, metadata);
      // Writes go back per task, in their saved order, so LangGraph sees what each finished task wrote.
      const byTask = new Map<string, PendingWrite[]>();
      for (const w of entry.writes) {
        const list = byTask.get(w.taskId) ?? [];
        list.push([w.channel, await this.load(w.value)]);
        byTask.set(w.taskId, list);
      }
      for (const [taskId, writes] of byTask) await super.putWrites(config, writes, taskId);
    }
  }

  private async dump(value: unknown): Promise<Typed> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return type === 'json' ? { type, json: Buffer.from(bytes).toString('utf8') } : { type, base64: Buffer.from(bytes).toString('base64') };
  }

  private async load(typed: Typed): Promise<unknown> {
    const bytes = 'json' in typed ? Buffer.from(typed.json, 'utf8') : Buffer.from(typed.base64, 'base64');
    return this.serde.loadsTyped(typed.type, new Uint8Array(bytes));
  }
}
