/**
 * What the workflow bundle holds. Every new or replayed workflow evaluates all of it (the SDK's
 * reuseV8Context), so a heavy package here costs memory per cached run and CPU per workflow:
 * zod alone took an agentRun's cache entry from ~0.2 to ~1.4 MiB (BENCHMARKS.md §3).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

/** Packages that must never reach workflow code: validation and model libraries run in activities. */
const FORBIDDEN = ['zod', 'langchain', '@langchain/core', '@langchain/langgraph', '@langchain/openai'];

/** Packages whose modules the bundle holds, from webpack's module paths. */
function bundledPackages(code: string): Set<string> {
  const packages = new Set<string>();
  for (const m of code.matchAll(/node_modules\/((?:@[^/"'\s]+\/)?[^/"'\s]+)\//g)) packages.add(m[1]!);
  return packages;
}

describe('workflow bundle', () => {
  it('holds no zod and no LangChain package', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    const packages = bundledPackages(code);
    // The check itself must see packages, or it would pass on any bundle.
    expect(packages).toContain('@temporalio/workflow');
    expect(FORBIDDEN.filter((p) => packages.has(p))).toEqual([]);
  });
});
