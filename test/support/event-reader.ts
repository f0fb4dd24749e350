/** Reading a run's events by hand, in stages, through ONE subscription (a for-await `break` would close it). */
import type { HarnessEvent, RunHandle } from '../../src/client/index.js';

export interface EventReader {
  /** Every event read so far, in order. */
  events: HarnessEvent[];
  /** Reads on until `stop` says yes for an event (or the run's events end). */
  readUntil(stop: (e: HarnessEvent) => boolean): Promise<void>;
}

export function eventReader(run: RunHandle): EventReader {
  const events: HarnessEvent[] = [];
  const iterator = run.events();
  return {
    events,
    async readUntil(stop) {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        events.push(r.value.event);
        if (stop(r.value.event)) return;
      }
    },
  };
}
