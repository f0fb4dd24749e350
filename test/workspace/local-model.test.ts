import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSpec, loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { tempDir } from '../support/paths.js';

/** Loads a workspace whose `models:` section is `models`, with `agents`. */
async function load(models: string, agents: string): Promise<unknown> {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(file, `models:\n${models}\nagents:\n${agents}\n`);
  return loadWorkspace(file).catch((e: unknown) => e);
}

const script = 'script: [{ turns: [{ text: hi }] }]';

describe('workspace: models declared local', () => {
  it('an agent on a local model gets modelCall { execution: local, timeoutMs } (default 5s); other agents none', async () => {
    const ws = (await load(
      `  fast: { provider: scripted, local: true, ${script} }\n  quick: { provider: scripted, local: true, timeout: 800ms, ${script} }\n  slow: { provider: scripted, ${script} }`,
      '  - { id: a, model: fast }\n  - { id: b, model: quick }\n  - { id: c, model: slow }',
    )) as Awaited<ReturnType<typeof loadWorkspace>>;
    expect(agentSpec(ws, 'a')!.modelCall).toEqual({ execution: 'local', timeoutMs: 5000 });
    expect(agentSpec(ws, 'b')!.modelCall).toEqual({ execution: 'local', timeoutMs: 800 });
    expect(agentSpec(ws, 'c')!.modelCall).toBeUndefined();
  });

  it('takes local on hosted providers too', async () => {
    const ws = (await load('  gpt: { provider: openai, model: gpt-4o-mini, local: true, timeout: 2s }', '  - { id: a, model: gpt }')) as Awaited<
      ReturnType<typeof loadWorkspace>
    >;
    expect(agentSpec(ws, 'a')!.modelCall).toEqual({ execution: 'local', timeoutMs: 2000 });
  });

  it('refuses a local timeout over 5s, and a timeout on a model that is not local, naming the key and the fix', async () => {
    const err = await load(`  fast: { provider: scripted, local: true, timeout: 6s, ${script} }\n  slow: { provider: scripted, timeout: 1s, ${script} }`, '  - { id: a, model: fast }');
    expect(err).toBeInstanceOf(WorkspaceError);
    expect((err as WorkspaceError).issues).toEqual([
      { path: 'models.fast.timeout', message: expect.stringMatching(/local model's timeout is at most 5s: its call holds the run's workflow task.*remove `local: true`/) },
      { path: 'models.slow.timeout', message: expect.stringContaining('a model `timeout` is for local models (`local: true`); a regular model call is bounded by limits.modelCallTimeout') },
    ]);
  });
});
