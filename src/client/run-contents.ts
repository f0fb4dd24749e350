/**
 * Reading what a run keeps by reference: its transcript page by page, and the full text of a
 * content it references (a big tool result, model message, input or inline file).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ContentBlobs } from '../payloads/content-blobs.js';
import { statusQuery, toolContextQuery } from '../workflows/run/contract.js';
import type { ContentRef } from '../workflows/shared/content-ref.js';
import { transcriptPageQuery, type TranscriptMessage, type TranscriptPage, type TranscriptPageInput } from '../workflows/shared/conversation.js';
import { HarnessClientError } from './errors.js';

/** One page of the run's transcript (see `transcriptPageQuery`). */
export function readTranscriptPage(handle: WorkflowHandle, page: TranscriptPageInput = {}): Promise<TranscriptPage> {
  return handle.query(transcriptPageQuery, page);
}

/** Every message of the run's transcript, page by page (each reply bounded). */
export async function* readTranscript(handle: WorkflowHandle, fromOffset = 0): AsyncGenerator<TranscriptMessage> {
  let offset: number | undefined = fromOffset;
  while (offset !== undefined) {
    const page = await readTranscriptPage(handle, { offset });
    yield* page.messages;
    offset = page.nextOffset;
  }
}

/**
 * The reference to blob `blobId` among what the run references (transcript, final answer, inline
 * files), or undefined: a run's handle only ever reads its own run's contents.
 */
export async function findContentRef(handle: WorkflowHandle, blobId: string): Promise<ContentRef | undefined> {
  for await (const m of readTranscript(handle)) if (m.contentRef?.blobId === blobId) return m.contentRef;
  const status = await handle.query(statusQuery);
  if (status.outputRef?.blobId === blobId) return status.outputRef;
  const { files } = await handle.query(toolContextQuery);
  return files.find((f) => f.contentRef?.blobId === blobId)?.contentRef;
}

/**
 * The content store of `temporal`'s data converter.
 * @throws {HarnessClientError} `PAYLOAD_STORE_REQUIRED` when this process has none configured.
 */
export function contentBlobsOf(temporal: Client): ContentBlobs {
  const blobs = ContentBlobs.of(temporal);
  if (!blobs) {
    throw new HarnessClientError(
      'PAYLOAD_STORE_REQUIRED',
      'This client has no payload store, so it cannot read contents kept by reference. Configure the same store as the workers (HARNESS_PAYLOAD_STORE, HARNESS_PAYLOAD_DIR or HARNESS_PAYLOAD_POSTGRES_URL).',
    );
  }
  return blobs;
}
