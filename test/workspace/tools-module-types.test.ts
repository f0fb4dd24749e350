/**
 * A README-style tools module loads whatever its folder's package type (issue 15 §5): `.ts`,
 * `.mts`, `.js` and `.mjs`, in a folder with `"type": "module"`, `"type": "commonjs"` or no
 * package.json at all. Loaded in a child Node process set up the way `bin/harness.mjs` sets itself
 * up (tsx's ES-module loader only), where a `.ts` module without `"type": "module"` used to fail with
 * "Cannot require() ES Module … in a cycle". An ES module its package declares CommonJS (`.js`
 * under `"type": "commonjs"`) cannot load: the error says what to change.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/paths.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TOOLS = `import { tool } from '@langchain/core/tools';
import { z } from 'zod';

export const lookup = tool(async ({ q }) => \`found \${q}\`, {
  name: 'lookup',
  description: 'Look something up.',
  schema: z.object({ q: z.string() }),
});
`;

const EXTENSIONS = ['ts', 'mts', 'js', 'mjs'] as const;
const PACKAGE_TYPES = ['module', 'commonjs', 'none'] as const;

interface Outcome {
  tools?: string[];
  code?: string;
  issues?: Array<{ path: string; message: string }>;
}

/** Writes one folder per case, loads each workspace in one child process, returns the outcomes. */
function loadAll(): Map<string, Outcome> {
  const files = new Map<string, string>();
  for (const ext of EXTENSIONS) {
    for (const type of PACKAGE_TYPES) {
      const dir = tempDir();
      symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
      if (type !== 'none') writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
      writeFileSync(join(dir, `tools.${ext}`), TOOLS);
      writeFileSync(
        join(dir, 'harness.yaml'),
        `tools: { module: ./tools.${ext} }\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n  - { id: a, model: m, tools: [lookup] }\n`,
      );
      files.set(`${ext} ${type}`, join(dir, 'harness.yaml'));
    }
  }
  const script = `
    const { register } = await import('tsx/esm/api');
    register();
    const { loadWorkspace } = await import(${JSON.stringify(join(REPO, 'src/workspace/load.ts'))});
    const out = {};
    for (const [key, file] of ${JSON.stringify([...files])}) {
      try {
        const ws = await loadWorkspace(file);
        out[key] = { tools: [...ws.tools.keys()] };
      } catch (e) {
        out[key] = { code: e.code, issues: e.issues };
      }
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return new Map(Object.entries(JSON.parse(stdout) as Record<string, Outcome>));
}

describe('a tools module loads whatever its package type', () => {
  const outcomes = loadAll();

  const loading = EXTENSIONS.flatMap((ext) => PACKAGE_TYPES.map((type) => ({ ext, type, name: `tools.${ext}, package type ${type}` })));
  it.each(loading.filter((c) => !(c.ext === 'js' && c.type === 'commonjs')))(
    '$name: loads',
    ({ ext, type }) => {
      expect(outcomes.get(`${ext} ${type}`)).toEqual({ tools: ['lookup'] });
    },
  );

  // Node 20 cannot load an ES module its package declares CommonJS; Node 24 (checked on 24.22.3)
  // loads it through tsx's loader anyway. Either way, never an unclear error.
  const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
  it('tools.js with import/export under "type": "commonjs" is refused saying what to change (Node 20), or loads (newer Node)', () => {
    const outcome = outcomes.get('js commonjs')!;
    if (NODE_MAJOR >= 22 && outcome.tools) {
      expect(outcome.tools).toEqual(['lookup']);
      return;
    }
    expect(outcome.code).toBe('TOOLS_MODULE_LOAD_FAILED');
    expect(outcome.issues).toEqual([
      {
        path: 'tools.module',
        message: expect.stringMatching(/but it uses import\/export: rename it to \.mjs \(or \.mts\), or set "type": "module" in the package\.json next to it/),
      },
    ]);
  });
});
