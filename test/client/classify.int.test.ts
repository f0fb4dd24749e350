/**
 * Temporal failures reach callers as the client's coded errors: real SDK errors from a real
 * server (no worker serves these runs, so queries and updates go unanswered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessClientError, ThreadError } from '../../src/client/errors.js';
import { HarnessClient } from '../../src/client/harness-client.js';
import { connectClient, temporalAddress, uniqueId } from '../support/harness.js';

async function failure(promise: Promise<unknown>): Promise<HarnessClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HarnessClientError);
  return err as HarnessClientError;
}

describe('the client classifies Temporal failures once', () => {
  let client: HarnessClient;
  const started: string[] = [];

  beforeAll(async () => {
    client = await connectClient(uniqueId('tq-no-worker'));
  });

  afterAll(async () => {
    await Promise.all(started.map((id) => client.temporal.workflow.getHandle(id).terminate('test done').catch(() => undefined)));
    await client.close();
  });

  it('RUN_NOT_FOUND and THREAD_NOT_FOUND for ids that do not exist', async () => {
    const run = await failure(client.getRun(uniqueId('run-missing')).status());
    expect(run.code).toBe('RUN_NOT_FOUND');
    expect(run.message).toMatch(/^No run "run-missing-[^"]+"\.$/);
    const thread = await failure(client.thread(uniqueId('missing')).status());
    expect(thread).toBeInstanceOf(ThreadError);
    expect(thread.code).toBe('THREAD_NOT_FOUND');
  });

  it('RUN_ALREADY_EXISTS for a reused run id', async () => {
    const runId = uniqueId('run-twice');
    started.push(runId);
    await client.startRun({ runId, agentId: 'support', input: 'hello' });
    expect((await failure(client.startRun({ runId, agentId: 'support', input: 'hello' }))).code).toBe('RUN_ALREADY_EXISTS');
  });

  it('QUERY_TIMEOUT and UPDATE_TIMEOUT when no worker answers before the deadline', async () => {
    const run = await client.startRun({ runId: uniqueId('run-unserved'), agentId: 'support', input: 'hello' });
    started.push(run.runId);
    const soon = () => Date.now() + 1_000;
    const query = await failure(client.temporal.connection.withDeadline(soon(), () => run.status()));
    expect(query.code).toBe('QUERY_TIMEOUT');
    expect(query.message).toMatch(/did not answer in time: no worker seems to serve its task queue/);
    const update = await failure(client.temporal.connection.withDeadline(soon(), () => run.approve({ approvalId: 'call_1_0' })));
    expect(update.code).toBe('UPDATE_TIMEOUT');
    expect(update.message).not.toMatch(/--|harness /);
  });

  it('NAMESPACE_NOT_FOUND for a namespace the server does not have', async () => {
    const other = await HarnessClient.connect({ address: temporalAddress(), namespace: uniqueId('no-such-namespace'), taskQueue: 'tq' });
    try {
      const err = await failure(other.startRun({ agentId: 'support', input: 'hello' }));
      expect(err.code).toBe('NAMESPACE_NOT_FOUND');
      expect(err.message).toMatch(/^Namespace "no-such-namespace-[^"]+" does not exist on the Temporal server\.$/);
    } finally {
      await other.close();
    }
  });

  it('TEMPORAL_UNAVAILABLE when nothing answers at the address', async () => {
    const err = await failure(HarnessClient.connect({ address: '127.0.0.1:1' }));
    expect(err.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(err.message).toMatch(/^Cannot reach the Temporal server at 127\.0\.0\.1:1 \(/);
  });
});
