import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSpec, loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

async function load(client: string, agent: string): Promise<unknown> {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(
    file,
    `tools:\n  module: ${JSON.stringify(TEST_TOOLS)}\n  client:\n${client}\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n${agent}\n`,
  );
  return loadWorkspace(file).catch((e: unknown) => e);
}

describe('workspace: client tools and ask_human', () => {
  it('lists a client tool in the agent spec as execution: client with its output schema; askHuman adds ask_human', async () => {
    const ws = (await load(
      '    pick: { description: pick one, input: { type: object }, output: { type: object, required: [value] } }',
      '  - { id: a, model: m, tools: [echo, pick], askHuman: true }',
    )) as Awaited<ReturnType<typeof loadWorkspace>>;
    const spec = agentSpec(ws, 'a')!;
    expect(spec.tools.find((t) => t.name === 'pick')).toMatchObject({ execution: 'client', outputSchema: { type: 'object', required: ['value'] } });
    expect(spec.tools.find((t) => t.name === 'echo')?.execution).toBeUndefined();
    expect(spec.tools.find((t) => t.name === 'ask_human')).toMatchObject({ builtin: 'ask_human', requiresApproval: false });
  });

  it('refuses a client tool named like a module tool', async () => {
    const err = (await load('    echo: { description: clash }', '  - { id: a, model: m, tools: [echo] }')) as WorkspaceError;
    expect(err).toBeInstanceOf(WorkspaceError);
    expect(err.issues).toEqual([expect.objectContaining({ path: 'tools.client.echo', message: expect.stringContaining('also exported by the tools module') })]);
  });
});
