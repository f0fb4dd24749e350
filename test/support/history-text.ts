/** The text of a run's history, to assert what reached it (and what never did). */
import type { HarnessClient } from '../../src/client/index.js';

/**
 * Every string and every decoded byte field (payloads are UTF-8 JSON) in the run's history, one
 * per line. Walked by hand: JSON.stringify would call the protobuf messages' toJSON, which turns
 * payload bytes into base64, where a search for the key would find nothing.
 */
export async function historyText(client: HarnessClient, runId: string): Promise<string> {
  const history = await client.temporal.workflow.getHandle(runId).fetchHistory();
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (value instanceof Uint8Array) parts.push(Buffer.from(value).toString('utf8'));
    else if (value && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(history);
  return parts.join('\n');
}
