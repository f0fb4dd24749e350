/**
 * A shared medium for live items between the processes of a deployment: the payload store they
 * already share (a directory on one machine, or PostgreSQL). Lines in, lines out: the frame codec
 * (frame-codec.ts) turns items into bounded lines, the medium only carries them.
 */

/** Writes the lines of one publisher (one model-call attempt) of one run. */
export interface LiveWriter {
  /** Appends lines in order; resolves when they are out (rejects when the medium failed). */
  write(lines: readonly string[]): Promise<void>;
  /** The attempt ended: nothing more will be written (a file is removed). Never rejects. */
  end(): Promise<void>;
}

/**
 * Called with every line the medium delivers for a subscribed run, in each publisher's order, at
 * least once: a line written while the subscription begins may come twice (PostgreSQL: its NOTIFY
 * and the kept lines read after LISTEN), so followers match items by position (`LiveMerge`).
 * `past`: written before the subscription began (the start of an attempt already streaming), for
 * followers that replay a message from its start; other lines are new.
 */
export type LineListener = (line: string, past: boolean) => void;

export interface LiveMedium {
  /** For messages, e.g. `directory /var/lib/harness/payloads/.live`; never a password. */
  readonly description: string;
  /** A publisher starts its writes at least this far apart (a shared database's load per stream). */
  readonly minWriteIntervalMs: number;
  writer(namespace: string, runId: string): LiveWriter;
  /** Delivers run `runId`'s lines to `onLine` until the returned function is called. */
  subscribe(namespace: string, runId: string, onLine: LineListener): () => void;
}
