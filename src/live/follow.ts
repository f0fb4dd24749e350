/**
 * The following end: a run's live items from wherever its model calls run. Items published in
 * this process come from the in-process channel (live-run-events.ts), at once; items published by
 * a worker in another process come from the shared medium of the client's payload store. However
 * many followers a run has in this process (SSE tabs, `/api/chat`, `RunHandle.events()`), the
 * medium is subscribed ONCE per run, and each line is decoded once for them all. Frames this
 * process published itself are skipped: the in-process channel already delivered them.
 */
import { subscribeLive, type LiveRunEvent, type LiveRunListener } from '../activities/live-run-events.js';
import { liveOrigin, sharedMediumOf, type LiveClient, type SharedMedium } from './shared-medium.js';

/** Items a run's feed keeps for followers that start from the beginning and join mid-message. */
export const LIVE_BACKLOG_ITEMS = 4000;

interface Follower {
  listener: LiveRunListener;
  /** Wants items published before it joined (it reads the log from offset 0). */
  replay: boolean;
}

interface RunFeed {
  followers: Set<Follower>;
  /** This feed's items so far, the newest {@link LIVE_BACKLOG_ITEMS}: replayed to followers that join later. */
  backlog: LiveRunEvent[];
  unsubscribe: () => void;
}

const feeds = new WeakMap<SharedMedium, Map<string, RunFeed>>();

/** Options of {@link followLive}. */
export interface FollowLiveOptions {
  /**
   * Also deliver the run's items that were published before this call, as far as this process
   * still has them (an attempt already streaming: its start). Only sound for a follower that reads
   * the durable log from offset 0; one that resumes mid-message would get text it already showed.
   * @default false
   */
  replay?: boolean;
}

/**
 * Listens to run `runId`'s live items, from this process and (given the client whose namespace and
 * payload store to use) from other processes, until the returned function is called.
 */
export function followLive(client: LiveClient | undefined, runId: string, listener: LiveRunListener, options: FollowLiveOptions = {}): () => void {
  const local = subscribeLive(runId, listener, options.replay ?? false);
  const shared = client && sharedMediumOf(client);
  if (!shared) return local;
  const remote = followShared(shared, client.options.namespace, runId, { listener, replay: options.replay ?? false });
  return () => {
    local();
    remote();
  };
}

function followShared(shared: SharedMedium, namespace: string, runId: string, follower: Follower): () => void {
  let byRun = feeds.get(shared);
  if (!byRun) feeds.set(shared, (byRun = new Map()));
  const key = `${namespace}\0${runId}`;
  let feed = byRun.get(key);
  if (feed && follower.replay) feed.backlog.forEach((item) => deliver(follower, item));
  if (!feed) {
    const created: RunFeed = { followers: new Set(), backlog: [], unsubscribe: () => undefined };
    const origin = liveOrigin();
    created.unsubscribe = shared.medium.subscribe(namespace, runId, (line, past) => {
      const frame = shared.codec.decode(line, namespace, runId);
      if (!frame || frame.origin === origin) return;
      for (const item of frame.items) {
        created.backlog.push(item);
        if (created.backlog.length > LIVE_BACKLOG_ITEMS) created.backlog.shift();
        for (const f of created.followers) if (f.replay || !past) deliver(f, item);
      }
    });
    byRun.set(key, (feed = created));
  }
  const current = feed;
  current.followers.add(follower);
  return () => {
    current.followers.delete(follower);
    if (current.followers.size > 0 || byRun.get(key) !== current) return;
    byRun.delete(key);
    current.unsubscribe();
  };
}

function deliver(follower: Follower, item: LiveRunEvent): void {
  try {
    follower.listener(item);
  } catch {
    // One follower's bug must not starve the others.
  }
}
