/**
 * Reading a `TranscriptRef` chain: the earlier messages a run continues from (a thread's, the run
 * it was forked from, and that run's own earlier messages…), each link one `transcript` query on
 * the workflow that holds them. Oldest link first.
 */
import type { Client } from '@temporalio/client';
import { transcriptQuery, TRANSCRIPT_REF_MAX_DEPTH, type TranscriptMessage, type TranscriptRef } from '../workflows/shared/conversation.js';

/** Reads the first `upTo` messages of one workflow's transcript. */
export type TranscriptLinkReader = (workflowId: string, upTo: number) => Promise<TranscriptMessage[]>;

/**
 * The messages `ref` stands for: those of `ref.before` (recursively), then `ref`'s own. The links
 * are read in parallel.
 * @throws {Error} when the chain is longer than `TRANSCRIPT_REF_MAX_DEPTH` (a run never makes one).
 */
export async function readTranscriptRef(ref: TranscriptRef, read: TranscriptLinkReader): Promise<TranscriptMessage[]> {
  const links: TranscriptRef[] = [];
  for (let r: TranscriptRef | undefined = ref; r; r = r.before) links.unshift(r);
  if (links.length > TRANSCRIPT_REF_MAX_DEPTH) {
    throw new Error(`Transcript reference chain of ${links.length} links is over the limit of ${TRANSCRIPT_REF_MAX_DEPTH}.`);
  }
  const parts = await Promise.all(links.map((l) => (l.upTo > 0 ? read(l.workflowId, l.upTo) : Promise.resolve([]))));
  return parts.flat();
}

/** A key naming the whole chain (for caches: the same chain always stands for the same messages). */
export function transcriptRefKey(ref: TranscriptRef): string {
  const key = `${ref.workflowId}:${ref.upTo}`;
  return ref.before ? `${transcriptRefKey(ref.before)}>${key}` : key;
}

/** A `TranscriptLinkReader` querying the latest run of each workflow id through `client`. */
export function queryTranscriptLinks(client: Client): TranscriptLinkReader {
  return (workflowId, upTo) => client.workflow.getHandle(workflowId).query(transcriptQuery, { upTo });
}
