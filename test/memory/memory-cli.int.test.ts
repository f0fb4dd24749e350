/** `harness memory list | forget | purge` on the workspace's file store, as a user runs them. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../src/workspace/index.js';
import { cliEnv, harness } from '../support/cli.js';
import { tempDir, writeWorkspace } from '../support/harness.js';

describe('harness memory', () => {
  it('lists a namespace, forgets by id or all, purges expired; refuses an ambiguous forget', async () => {
    const dir = tempDir();
    const file = writeWorkspace(
      dir,
      `
models: { m: { provider: scripted, script: [{ turns: [{ text: hi }] }] } }
memory:
  store: { kind: file, path: ${JSON.stringify(join(dir, 'mem.sqlite'))} }
  embeddings: { provider: offline-hash }
  namespace: "user:{{context.userId}}"
agents: [{ id: a, model: m, tools: [recall] }]
`,
    );
    const ws = await loadWorkspace(file);
    const ann = { agentId: 'a', context: { userId: 'ann' } };
    await ws.memory!.memorize(ann, [
      { id: 'm1', text: 'Ann prefers oat milk', metadata: { topic: 'coffee' } },
      { id: 'm2', text: 'Ann lives in Lyon' },
    ]);
    const store = await ws.memory!.storeHandle();
    await store.put([{ namespace: 'user:ann', id: 'old', text: 'expired', metadata: {}, embedding: [1], embedder: 'x', createdAt: 1, expiresAt: 2 }]);
    await ws.memory!.close();
    const env = cliEnv({ address: '127.0.0.1:1', taskQueue: 'unused', workspace: file });

    const listed = await harness(['memory', 'list', 'user:ann', '--json'], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((m) => m.id).sort()).toEqual(['m1', 'm2']);
    expect((await harness(['memory', 'list', 'user:ann'], env)).stdout).toMatch(/m1 .*\{"topic":"coffee"\}\n {2}Ann prefers oat milk/);

    const ambiguous = await harness(['memory', 'forget', 'user:ann'], env);
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.stderr).toMatch(/--id <id…> for some memories, or --all/);

    expect((await harness(['memory', 'forget', 'user:ann', '--id', 'm1', 'nope'], env)).stdout).toContain('Deleted 1 memory from namespace "user:ann".');
    expect((await harness(['memory', 'purge'], env)).stdout).toContain('Purged 1 expired memory.');
    expect((await harness(['memory', 'forget', 'user:ann', '--all'], env)).stdout).toContain('Deleted 1 memory');
    expect((await harness(['memory', 'list', 'user:ann'], env)).stdout).toContain('No memories in namespace "user:ann".');
  });

  it('a workspace without memory says so', async () => {
    const file = writeWorkspace(tempDir(), `models: { m: { provider: scripted, script: [{ turns: [{ text: hi }] }] } }\nagents: [{ id: a, model: m }]\n`);
    const result = await harness(['memory', 'list', 'user:ann'], cliEnv({ address: '127.0.0.1:1', taskQueue: 'unused', workspace: file }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/MEMORY_NOT_CONFIGURED|has no `memory` section/);
  });
});
