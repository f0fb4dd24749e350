import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';

/** The modules the bundle's `preloadModules()` requires: what the SDK evaluates once per worker thread. */
function preloaded(code: string): string[] {
  const start = code.indexOf('function preloadModules() {');
  expect(start, 'the bundle has no preloadModules function').toBeGreaterThan(-1);
  const body = code.slice(start, code.indexOf('\n}', start));
  return [...body.matchAll(/__webpack_require__\([^)]*"([^"]+)"\)/g)].map((m) => m[1]!);
}

describe('workflow bundles', () => {
  it('the default bundle preloads the workflow modules: evaluated once per worker thread, shared by its runs', async () => {
    const bundle = await bundleHarnessWorkflows();
    expect(preloaded(bundle.code)).toEqual(['./src/workflows/index.ts']);
    // Compiled to ES2022 like the package: object spreads and class fields stay native, not the
    // helper calls an ES2017 build makes of each.
    expect(bundle.code).toContain('class RunLedger');
    expect(bundle.code.match(/_object_spread\(|_define_property\(/g) ?? []).toEqual([]);
  }, 60_000);

  it('the tracing bundle preloads nothing: its span holders are module state, one instance per run', async () => {
    const bundle = await bundleHarnessWorkflows({ tracing: true });
    expect(preloaded(bundle.code)).toEqual([]);
  }, 60_000);

  it('workflow code keeps no per-run state at module level (a preloaded module is shared by every run)', () => {
    const root = join(import.meta.dirname, '../../src/workflows');
    // The tracing bundle's span holders: that bundle is not preloaded.
    const allowed = new Set(['shared/telemetry.ts', 'telemetry/interceptors.ts']);
    const offenders = (readdirSync(root, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !allowed.has(file))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `src/workflows/${file}:${i + 1}` }))
          .filter(({ line }) => /^(export )?(let|var) /.test(line))
          .map(({ at, line }) => `${at}: ${line}`),
      );
    expect(offenders).toEqual([]);
  });
});
