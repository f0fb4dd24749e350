/**
 * Whether a process's shared live medium works, as its publishers last found it. A medium that
 * fails (a full disk, PostgreSQL away) costs nothing but the preview: model calls go on and
 * followers in other processes get the durable log. That must not happen silently, nor flood the
 * log: the first failure after a working spell is logged once, as a warning naming the medium and
 * the cause, and the first success after it once, as information. Each model-call attempt tries the
 * medium again, so the preview comes back by itself when the medium does.
 */
import type { Logger } from '@temporalio/common';

/** Longest cause kept in a log line (a driver's message is usually one short sentence). */
const MAX_CAUSE_CHARS = 300;

/** The health of one shared medium in this process. */
export class MediumHealth {
  private failing = false;

  /** @param description the medium's description (never a password, see `LiveMedium.description`). */
  constructor(private readonly description: string) {}

  /** A write failed: warns once per failing spell. */
  failed(log: Logger | undefined, cause: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = describeCause(cause);
    log?.warn(
      `Live tail: the shared medium ${this.description} failed (${reason}). Model calls go on and followers in other ` +
        'processes get their tokens from the durable log; the next model call tries the medium again.',
      { liveMedium: this.description, cause: reason },
    );
  }

  /** A write succeeded: says so once if the medium had failed. */
  worked(log: Logger | undefined): void {
    if (!this.failing) return;
    this.failing = false;
    log?.info(`Live tail: the shared medium ${this.description} works again.`, { liveMedium: this.description });
  }
}

/**
 * A cause for a log line: the error's code and message, bounded, with the credentials of any URL
 * in it masked (a driver may echo a connection string, and those hold passwords).
 */
export function describeCause(cause: unknown): string {
  const e = cause as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(cause);
  const code = typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ` : '';
  const text = redactUrlCredentials(`${code}${message}`).replace(/\s+/g, ' ').trim();
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS - 1)}…` : text;
}

/** `scheme://user:password@host` → `scheme://user:***@host`, wherever such a URL appears. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@');
}
