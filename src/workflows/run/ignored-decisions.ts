/**
 * The record of refused `approvalDecision` signals. A signal cannot be refused before it enters
 * history, so a refused one is recorded; but never its payload: a caller could otherwise send
 * megabytes that then sit in every `status` reply and in what a continued run carries. Each refusal
 * is kept as a short digest (code, reason, size, SHA-256, first characters), and only the latest
 * few are kept, with a count of all of them.
 */
import { IGNORED_DECISION_LIMITS, type IgnoredDecision, type PayloadDigest } from './contract.js';
import { sha256Hex } from '../shared/sha256.js';

/**
 * The digest of an untrusted payload: its JSON text's UTF-8 size and SHA-256 and its first
 * `IGNORED_DECISION_LIMITS.headChars` characters. Deterministic, so it is safe in workflow code.
 */
export function digestOf(payload: unknown): PayloadDigest {
  const json = jsonText(payload);
  const bytes = new TextEncoder().encode(json);
  const head = json.slice(0, IGNORED_DECISION_LIMITS.headChars);
  return { bytes: bytes.length, sha256: sha256Hex(bytes), head, truncated: head.length < json.length };
}

/** A reason cut to `IGNORED_DECISION_LIMITS.reasonChars`, with a marker saying it was cut. */
export function boundedReason(reason: string): string {
  const max = IGNORED_DECISION_LIMITS.reasonChars;
  return reason.length <= max ? reason : `${reason.slice(0, max)}… (${reason.length - max} more characters)`;
}

/** The latest refused signals (at most `IGNORED_DECISION_LIMITS.kept`) and how many there were. */
export class IgnoredDecisionLog {
  private readonly kept: IgnoredDecision[];
  private total: number;

  constructor(carried: { kept: IgnoredDecision[]; total: number } = { kept: [], total: 0 }) {
    this.kept = carried.kept.slice(-IGNORED_DECISION_LIMITS.kept);
    this.total = Math.max(carried.total, carried.kept.length);
  }

  /** Records one refused payload as a digest; the oldest kept one goes when the log is full. */
  record(payload: unknown, code: string, reason: string, now: string): void {
    this.total += 1;
    this.kept.push({ receivedAt: now, code, reason: boundedReason(reason), payload: digestOf(payload) });
    if (this.kept.length > IGNORED_DECISION_LIMITS.kept) this.kept.shift();
  }

  /** The kept digests, oldest first. */
  list(): IgnoredDecision[] {
    return [...this.kept];
  }

  /** How many signals were refused in the whole run (kept or not). */
  get count(): number {
    return this.total;
  }
}

function jsonText(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? String(payload);
  } catch {
    // Payloads come from a JSON converter, so this is for a custom converter's odd values only.
    return String(payload);
  }
}
