/**
 * How live items travel between processes: a batch of one run's items becomes one or more
 * bounded text lines (a file line of the directory medium, a PostgreSQL NOTIFY payload).
 *
 * A line is base64 of a Payload protobuf holding the frame's JSON; with an encryption keyring it is
 * that payload encrypted by the payload codec itself (AES-256-GCM, the key id in its metadata), so
 * token text sits on the shared medium exactly as encrypted as the blobs next to it. A subscriber
 * that holds a keyring refuses plaintext lines, and every frame names its namespace and run, which
 * the subscriber checks (a line copied into another run's feed is dropped).
 *
 * Long deltas are split by position (a piece of text at position p, the next at p + its length),
 * never inside a surrogate pair, so the live merge lines them up like any other deltas.
 */
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import type { LiveRunEvent } from '../activities/live-run-events.js';
import { AesGcmPayloadCodec, decryptedPayloadBytes } from '../codec/encryption-codec.js';
import type { EncryptionKeyring } from '../codec/keys.js';
import { payloadBytes, payloadFromBytes } from '../payloads/blob-ids.js';

/** Longest line: NOTIFY payloads must stay under 8000 bytes; lines are ASCII (base64). */
export const MAX_LINE_CHARS = 7800;
/** Longest piece of text in one item (a longer delta is split). */
export const MAX_PIECE_CHARS = 512;

/** What one line carries. */
export interface LiveFrame {
  /** The publishing process (`liveOrigin()`): a process ignores its own frames. */
  origin: string;
  namespace: string;
  runId: string;
  /** The publisher's frame counter (distinct payloads: NOTIFY folds identical ones in a transaction). */
  seq: number;
  items: LiveRunEvent[];
}

const JSON_ENCODING = new TextEncoder().encode('json/plain');
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Raw frame bytes that still fit a line once encrypted (nonce, tag, metadata with a key id of up to 100 characters) and base64-encoded (4/3). */
const MAX_FRAME_BYTES = Math.floor((MAX_LINE_CHARS * 3) / 4) - 256;

/** Encodes and decodes the lines of one medium (one keyring, or none). */
export class LiveFrameCodec {
  private readonly codec: AesGcmPayloadCodec | undefined;

  constructor(private readonly ring: EncryptionKeyring | undefined) {
    this.codec = ring && new AesGcmPayloadCodec(ring);
  }

  /**
   * The lines for `items` of one run, in order: as few as fit {@link MAX_LINE_CHARS} each. An item
   * too big for a line even alone (a run id of thousands of characters) is dropped: the durable
   * log still carries its text.
   */
  async encode(frame: Omit<LiveFrame, 'items' | 'seq'>, items: readonly LiveRunEvent[], nextSeq: () => number): Promise<string[]> {
    const header = { o: frame.origin, ns: frame.namespace, run: frame.runId };
    const overhead = Buffer.byteLength(JSON.stringify({ v: 1, ...header, s: Number.MAX_SAFE_INTEGER, items: [] }));
    const groups: string[][] = [];
    let group: string[] = [];
    let size = overhead;
    for (const item of items.flatMap(splitItem)) {
      const json = JSON.stringify({ p: item.position, e: item.event });
      // Counted, not encoded: this runs for every token a model streams.
      const bytes = Buffer.byteLength(json) + 1;
      if (overhead + bytes > MAX_FRAME_BYTES) continue;
      if (size + bytes > MAX_FRAME_BYTES && group.length > 0) {
        groups.push(group);
        group = [];
        size = overhead;
      }
      group.push(json);
      size += bytes;
    }
    if (group.length > 0) groups.push(group);
    return Promise.all(
      groups.map(async (g) => {
        const json = `{"v":1,"o":${JSON.stringify(header.o)},"ns":${JSON.stringify(header.ns)},"run":${JSON.stringify(header.run)},"s":${nextSeq()},"items":[${g.join(',')}]}`;
        const plain: Payload = { metadata: { [METADATA_ENCODING_KEY]: JSON_ENCODING }, data: utf8.encode(json) };
        const payload = this.codec ? (await this.codec.encode([plain]))[0]! : plain;
        return Buffer.from(payloadBytes(payload)).toString('base64');
      }),
    );
  }

  /** The frame a line holds if it is well formed, for this namespace and run, and (with a keyring) encrypted and authentic. */
  decode(line: string, namespace: string, runId: string): LiveFrame | undefined {
    try {
      let payload = payloadFromBytes(Buffer.from(line, 'base64'));
      if (this.ring) {
        const plain = decryptedPayloadBytes(payload, this.ring);
        if (!plain) return undefined; // plaintext where everything is encrypted: not one of ours
        payload = payloadFromBytes(plain.bytes);
      }
      if (!payload.data) return undefined;
      const raw = JSON.parse(fromUtf8.decode(payload.data)) as Record<string, unknown>;
      if (raw.v !== 1 || raw.ns !== namespace || raw.run !== runId || typeof raw.o !== 'string' || !Array.isArray(raw.items)) return undefined;
      const items = raw.items.map(liveItemOf);
      if (items.some((i) => i === undefined)) return undefined;
      return { origin: raw.o, namespace, runId, seq: Number(raw.s), items: items as LiveRunEvent[] };
    } catch {
      return undefined; // corrupt, truncated, another key: the durable log has the text
    }
  }
}

/** A delta longer than {@link MAX_PIECE_CHARS} as pieces at consecutive positions. */
export function splitItem(item: LiveRunEvent): LiveRunEvent[] {
  const { event } = item;
  if (event.type === 'output.reset' || event.text.length <= MAX_PIECE_CHARS) return [item];
  const out: LiveRunEvent[] = [];
  for (let start = 0; start < event.text.length; ) {
    let end = Math.min(start + MAX_PIECE_CHARS, event.text.length);
    const last = event.text.charCodeAt(end - 1);
    if (end < event.text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep a surrogate pair whole
    out.push({ position: item.position + start, event: { ...event, text: event.text.slice(start, end) } });
    start = end;
  }
  return out;
}

const TYPES = new Set(['output.delta', 'reasoning.delta', 'output.reset']);

/** A decoded item, checked for what the live merge relies on. */
function liveItemOf(value: unknown): LiveRunEvent | undefined {
  const { p, e } = (value ?? {}) as { p?: unknown; e?: Record<string, unknown> };
  if (!Number.isSafeInteger(p) || (p as number) < 0 || !e || typeof e.type !== 'string' || !TYPES.has(e.type)) return undefined;
  if (typeof e.messageId !== 'string' || !Number.isSafeInteger(e.attempt) || !Number.isSafeInteger(e.step)) return undefined;
  if (e.type !== 'output.reset' && typeof e.text !== 'string') return undefined;
  return { position: p as number, event: e as unknown as LiveRunEvent['event'] };
}
