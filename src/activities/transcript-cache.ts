/**
 * A worker's copy of the transcripts its model calls have read, so the next model call of the
 * same run asks the run only for the messages added since (`transcriptQuery` with `from`), and a
 * retried call on the same worker asks nothing. A run's transcript only ever grows (messages are
 * appended, never changed), so what was read once stays true. Another worker, or this one after a
 * restart, simply starts from an empty copy.
 */
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
   * `history` when it has one. Queries only for what this worker has not read yet.
   */
  async read(runKey: string, length: number, reader: TranscriptReader, history?: TranscriptRef): Promise<TranscriptMessage[]> {
    const entry = this.entries.get(runKey) ?? { own: [] };
    this.entries.delete(runKey); // re-inserted below: Map order is recency order
    const historyKey = history && transcriptRefKey(history);
    const [earlier, own] = await Promise.all([
      !history ? [] : entry.history && entry.history.key === historyKey ? entry.history.messages : reader.history(history),
      this.readOwn(entry.own, length, reader),
    ]);
    this.entries.set(runKey, { own, ...(historyKey && { history: { key: historyKey, messages: earlier } }) });
    while (this.entries.size > this.maxRuns) this.entries.delete(this.entries.keys().next().value!);
    return [...earlier, ...own.slice(0, length)];
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
