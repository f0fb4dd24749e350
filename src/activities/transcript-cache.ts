/**
 * A worker's copy of the transcripts its model calls have read. The next model call of the same
 * run brings the messages added since in its input (`CallModelInput.newMessages`), so it asks the
 * run nothing; a call without them asks only for what this worker lacks (`transcriptQuery` with
 * `from`), and a retried call on the same worker asks nothing. A run's transcript only ever grows
 * (messages are appended, never changed), so what was read once stays true. Another worker, or
 * this one after a restart, simply starts from an empty copy and reads the rest by query.
 */
import type { NewMessages } from '../workflows/run/model-input.js';
import type { TranscriptMessage, TranscriptQueryInput, TranscriptRef } from '../workflows/shared/conversation.js';
import { transcriptRefKey } from './transcript-refs.js';

/** Reads messages of the run (or of its thread, for `history`) by query. */
export interface TranscriptReader {
  own(query: TranscriptQueryInput): Promise<TranscriptMessage[]>;
  history(ref: TranscriptRef): Promise<TranscriptMessage[]>;
}

interface Entry {
  own: TranscriptMessage[];
  /** The thread's earlier messages this run was started with (fixed for the run). */
  history?: { key: string; messages: TranscriptMessage[] };
}

/** Runs remembered per worker; the least recently used is forgotten first. */
export const DEFAULT_CACHED_TRANSCRIPTS = 256;

export class TranscriptCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxRuns = DEFAULT_CACHED_TRANSCRIPTS) {}

  /**
   * The first `length` messages of the run `runKey` (workflow id + run id), after its thread's
   * `history` when it has one. Queries only for what this worker has neither read yet nor been
   * given in `added` (the last messages of those `length`).
   */
  async read(runKey: string, length: number, reader: TranscriptReader, history?: TranscriptRef, added?: NewMessages): Promise<TranscriptMessage[]> {
    const entry = this.entries.get(runKey) ?? { own: [] };
    this.entries.delete(runKey); // re-inserted below: Map order is recency order
    const historyKey = history && transcriptRefKey(history);
    const [earlier, own] = await Promise.all([
      !history ? [] : entry.history && entry.history.key === historyKey ? entry.history.messages : reader.history(history),
      added && added.from + added.messages.length === length ? this.withAdded(entry.own, added, reader) : this.readOwn(entry.own, length, reader),
    ]);
    this.entries.set(runKey, { own, ...(historyKey && { history: { key: historyKey, messages: earlier } }) });
    while (this.entries.size > this.maxRuns) this.entries.delete(this.entries.keys().next().value!);
    return [...earlier, ...own.slice(0, length)];
  }

  /** `known`, completed with `added` (and, when it lacks messages before them, a query for those). */
  private async withAdded(known: TranscriptMessage[], added: NewMessages, reader: TranscriptReader): Promise<TranscriptMessage[]> {
    const end = added.from + added.messages.length;
    if (known.length >= end) return known;
    // Append-only: whatever this worker holds from `from` on is the start of `added.messages`.
    const before = known.length >= added.from ? known : await this.readOwn(known, added.from, reader);
    return [...before, ...added.messages.slice(before.length - added.from)];
  }

  private async readOwn(known: TranscriptMessage[], length: number, reader: TranscriptReader): Promise<TranscriptMessage[]> {
    if (known.length >= length) return known;
    const from = known.length;
    if (from === 0) return reader.own({ upTo: length });
    const added = await reader.own({ from, upTo: length });
    if (added.length === length - from) return [...known, ...added];
    return reader.own({ upTo: length });
  }

  /** How many runs are remembered (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
