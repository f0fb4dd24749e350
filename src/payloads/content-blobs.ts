/**
 * Contents a run keeps by explicit reference (`ContentRef`: tool results, model messages, run
 * inputs and inline files over `CONTENT_LIMITS.inlineChars`), stored in the same payload store and
 * the same way as Temporal's claim check: the text becomes a payload, the process's codecs encode
 * it (encrypting it when encryption is on), and our storage driver files it under its content id.
 * So one retention story (`harness payloads gc`) covers both, and a retried activity stores no
 * duplicate.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { StorageDriverClaim, type Payload, type PayloadCodec } from '@temporalio/common';
import { TEXT_MEDIA_TYPE, type ContentRef } from '../workflows/shared/content-ref.js';
import { PayloadStoreError } from './errors.js';
import { HARNESS_DRIVER_NAME, HarnessStorageDriver } from './storage-driver.js';

const utf8 = new TextEncoder();
const BINARY_PLAIN = utf8.encode('binary/plain');

/** Stores and reads contents kept by reference, for one namespace. */
export class ContentBlobs {
  constructor(
    private readonly driver: HarnessStorageDriver,
    private readonly codecs: readonly PayloadCodec[],
    readonly namespace: string,
  ) {}

  /**
   * The content store of a client (and of the worker whose activities use that client), or
   * undefined when it has no payload store (`HARNESS_PAYLOAD_STORE=off`): contents then stay inline.
   */
  static of(client: Client): ContentBlobs | undefined {
    const converter = client.options?.loadedDataConverter;
    const driver = converter?.externalStorage?.getDriver(HARNESS_DRIVER_NAME);
    if (!converter || !(driver instanceof HarnessStorageDriver)) return undefined;
    return new ContentBlobs(driver, converter.payloadCodecs, client.options.namespace);
  }

  /** Stores `text`; returns its reference. */
  async put(text: string, mediaType: string = TEXT_MEDIA_TYPE): Promise<ContentRef> {
    const bytes = utf8.encode(text);
    let payloads: Payload[] = [{ metadata: { encoding: BINARY_PLAIN }, data: bytes }];
    for (const codec of this.codecs) payloads = await codec.encode(payloads);
    const [claim] = await this.driver.store({ target: { kind: 'activity', namespace: this.namespace } }, payloads);
    return { blobId: claim!.claimData.id!, size: bytes.length, sha256: sha256Hex(bytes), mediaType };
  }

  /**
   * The full text `ref` names, checked against its size and SHA-256.
   * @throws {PayloadStoreError} `BLOB_NOT_FOUND`, `BLOB_CORRUPT` (also when the text is not the one
   *   the reference describes), `INVALID_REFERENCE`.
   */
  async read(ref: ContentRef): Promise<string> {
    const bytes = await this.readBytes(ref);
    return new TextDecoder().decode(bytes);
  }

  /** The full bytes `ref` names, checked like `read`. */
  async readBytes(ref: ContentRef): Promise<Uint8Array> {
    let payloads = await this.driver.retrieve({}, [new StorageDriverClaim({ ns: this.namespace, id: ref.blobId, size: '0' })]);
    for (const codec of [...this.codecs].reverse()) payloads = await codec.decode(payloads);
    const bytes = payloads[0]?.data ?? new Uint8Array();
    if (bytes.length !== ref.size || sha256Hex(bytes) !== ref.sha256) {
      throw new PayloadStoreError('BLOB_CORRUPT', `Blob ${ref.blobId} does not hold the content its reference describes (${ref.size} bytes, sha256 ${ref.sha256}).`);
    }
    return bytes;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
