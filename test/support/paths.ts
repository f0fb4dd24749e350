/** Paths and temp dirs shared by unit and integration tests (no Temporal imports here). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_TOOLS = fileURLToPath(new URL('../fixtures/tools.ts', import.meta.url));

/** A fresh temp directory for a test's files (workspace, effect logs, gates). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'harness-test-'));
}
