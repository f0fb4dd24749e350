/**
 * A worker SIGKILLed during an MCP call: the MCP calls the run completed before are not repeated
 * (their results are in history), and the interrupted call is retried by another worker with the
 * same idempotency key, so a server that honours it does not act twice although it had already
 * acted when the worker died.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const NOTES_SERVER = new URL('../fixtures/mcp/notes-server.ts', import.meta.url).pathname;
const REPO_ROOT = new URL('../..', import.meta.url).pathname;

describe('a worker killed during an MCP call', () => {
  let victim: WorkerProcess | undefined;
  const envNames: string[] = [];
  afterEach(async () => {
    await victim?.kill();
    for (const name of envNames.splice(0)) delete process.env[name];
  });

  it('does not repeat completed MCP calls, and the retried call carries the same idempotency key', async () => {
    const dir = tempDir();
    const log = join(dir, 'calls.log');
    const gate = join(dir, 'gate');
    const logEnv = `HARNESS_TEST_MCP_${randomUUID().slice(0, 8).toUpperCase()}`;
    process.env[logEnv] = log; // the spawned worker inherits it
    envNames.push(logEnv);
    const workspace = writeWorkspace(
      dir,
      `models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: mcp__notes__read_note, args: { id: n1 } }]
          - toolCalls: [{ name: mcp__notes__archive_note, args: { id: n1, gate: ${JSON.stringify(gate)} } }]
          - text: "done: {{lastToolResult}}"
mcp:
  servers:
    notes:
      command: ${JSON.stringify(process.execPath)}
      args: ["--import", "tsx", ${JSON.stringify(NOTES_SERVER)}, "--stdio"]
      cwd: ${JSON.stringify(REPO_ROOT)}
      env: { NOTES_LOG: "\${${logEnv}}" }
      approval: never
agents:
  - id: a
    model: m
    tools: [mcp__notes__*]
limits:
  heartbeatTimeout: 3s
  toolRetry: { initialInterval: 10ms, maximumAttempts: 5 }
`,
    );
    const taskQueue = uniqueId('tq');
    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'a', input: 'archive n1' });
    await eventually(() => fileLines(log).some((l) => l.startsWith('archive n1 ')), (seen) => seen, 'the archive call to reach the server');
    await victim.kill();

    const result = await withWorker(workspace, async () => run.result(), { taskQueue });
    writeFileSync(gate, ''); // lets the dead worker's orphaned server process finish and exit
    expect(result.output).toBe('done: archived note n1');
    const lines = fileLines(log);
    expect(lines.filter((l) => l.startsWith('read n1 '))).toHaveLength(1);
    const first = lines.find((l) => l.startsWith('archive n1 '))!;
    const key = first.split(' ')[2]!;
    expect(key).toMatch(new RegExp(`^${run.runId}:call_\\d+_0$`));
    expect(lines.filter((l) => l.startsWith('archive n1 '))).toEqual([first]);
    expect(lines.filter((l) => l.startsWith('archive-repeat n1 '))).toEqual([`archive-repeat n1 ${key}`]);
    await client.close();
  });
});
