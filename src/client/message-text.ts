/**
 * Rebuilds the text of each model message from a run's `output.delta` events, honouring
 * `output.reset`: a retried model call starts its message over, so the failed attempt's partial
 * text is dropped instead of shown twice.
 */
import type { HarnessEvent } from '../workflows/run/events.js';

/**
 * The current text of each model message of a run, rebuilt from its streamed events: feed every
 * event to {@link MessageText.apply}, read a message with {@link MessageText.text}.
 * @example
 * const texts = new MessageText();
 * for await (const { event } of run.events()) {
 *   if (texts.apply(event)) redraw();
 *   if (event.type === 'output.delta') show(event.messageId, texts.text(event.messageId));
 * }
 */
export class MessageText {
  private readonly texts = new Map<string, { attempt: number; text: string }>();

  /** Feeds one event; returns true when it replaced text already shown (a reset). */
  apply(event: HarnessEvent): boolean {
    if (event.type === 'output.reset') {
      const had = (this.texts.get(event.messageId)?.text ?? '') !== '';
      this.texts.set(event.messageId, { attempt: event.attempt, text: '' });
      return had;
    }
    if (event.type !== 'output.delta') return false;
    const current = this.texts.get(event.messageId);
    if (current && event.attempt < current.attempt) return false; // a late delta of a superseded attempt
    if (!current || event.attempt > current.attempt) this.texts.set(event.messageId, { attempt: event.attempt, text: event.text });
    else current.text += event.text;
    return false;
  }

  /** The text of message `messageId` so far (`''` before its first delta or right after a reset). */
  text(messageId: string): string {
    return this.texts.get(messageId)?.text ?? '';
  }
}
