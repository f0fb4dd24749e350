/**
 * FOR TESTS AND DEMOS ONLY. A deterministic, offline embedder: each word (lower-cased letters and
 * digits) is hashed into one of `dimensions` buckets with a sign ("feature hashing"), and the
 * vector is scaled to unit length. Texts that share words score high; it knows nothing of
 * meaning ("car" does not find "automobile"), so it is lexical search dressed as embeddings.
 * Real deployments use an embedding model (`provider: openai` with any compatible endpoint).
 */
import { Embeddings } from '@langchain/core/embeddings';
import { normalize } from './types.js';

/** Words too common to say anything about what a text is about. */
const STOP_WORDS = new Set(
  'a an and are as at be by do does for from has have i in is it its me my of on or our that the this to was were what when where which who with you your'.split(' '),
);

export class OfflineHashEmbeddings extends Embeddings {
  constructor(readonly dimensions = 256) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embed(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }

  /** The vector for `text`; pure, so the same text always gives the same vector. */
  embed(text: string): number[] {
    const v = new Array<number>(this.dimensions).fill(0);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      if (STOP_WORDS.has(word)) continue;
      const h = fnv1a(word);
      v[h % this.dimensions]! += h & 0x8000_0000 ? -1 : 1;
    }
    return normalize(v);
  }
}

/** 32-bit FNV-1a: small, fast, and the same on every machine. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
