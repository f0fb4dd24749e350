/**
 * The following end: a run's live items from wherever its model calls run. Items published in
 * this process come from the in-process channel (live-run-events.ts), at once; items published by
 * a worker in another process come from the shared medium of the client's payload store. However
 * many followers a run has in this process (SSE tabs, `/api/chat`, `RunHandle.events()`), the
 * medium is subscribed ONCE per run, and each line is decoded once for them all. Frames this
 * process published itself are skipped: the in-process channel already delivered them.
 */
import { subscribeLive, type LiveRunListener } from '../activities/live-run-events.js';
import { liveOrigin, sharedMediumOf, type LiveClient, type SharedMedium } from './shared-medium.js';

interface RunFeed {
  listeners: Set<LiveRunListener>;
  unsubscribe: () => void;
}

const feeds = new WeakMap<SharedMedium, Map<string, RunFeed>>();

/**
 * Listens to run `runId`'s live items, from this process and (given the client whose namespace and
 * payload store to use) from other processes, until the returned function is called.
 */
export function followLive(client: LiveClient | undefined, runId: string, listener: LiveRunListener): () => void {
  const local = subscribeLive(runId, listener);
  const shared = client && sharedMediumOf(client);
  if (!shared) return local;
  const remote = followShared(shared, client.options.namespace, runId, listener);
  return () => {
    local();
    remote();
  };
}

function followShared(shared: SharedMedium, namespace: string, runId: string, listener: LiveRunListener): () => void {
  let byRun = feeds.get(shared);
  if (!byRun) feeds.set(shared, (byRun = new Map()));
  const key = `${namespace}\0${runId}`;
  let feed = byRun.get(key);
  if (!feed) {
    const listeners = new Set<LiveRunListener>();
    const origin = liveOrigin();
    const unsubscribe = shared.medium.subscribe(namespace, runId, (line) => {
      const frame = shared.codec.decode(line, namespace, runId);
      if (!frame || frame.origin === origin) return;
      for (const item of frame.items) {
        for (const l of listeners) {
          try {
            l(item);
          } catch {
            // One follower's bug must not starve the others.
          }
        }
      }
    });
    byRun.set(key, (feed = { listeners, unsubscribe }));
  }
  const current = feed;
  current.listeners.add(listener);
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size > 0 || byRun.get(key) !== current) return;
    byRun.delete(key);
    current.unsubscribe();
  };
}
