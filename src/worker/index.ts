/**
 * `temporal-harness/worker`: run agent runs in your own process, with your workspace and tools.
 * @example
 * import { createHarnessWorker } from 'temporal-harness/worker';
 * const { worker, close } = await createHarnessWorker({ workspace: './harness.yaml' });
 * await worker.run(); await close();
 * @packageDocumentation
 */
export {
  createHarnessWorker,
  DEFAULT_MAX_CACHED_WORKFLOWS,
  DEFAULT_SHUTDOWN_GRACE_TIME,
  type HarnessWorker,
  type HarnessWorkerOptions,
} from './create-worker.js';
export { bundleHarnessWorkflows, WORKFLOWS_PATH } from './bundle.js';
export {
  loadWorkspace,
  parseWorkspaceText,
  resolveWorkspacePath,
  DEFAULT_WORKSPACE_FILE,
  WorkspaceError,
  isWorkspaceError,
  type Workspace,
  type WorkspaceErrorCode,
  type WorkspaceIssue,
} from '../workspace/index.js';
export { connectionCredentialsFromEnv, describeConnection, describeCredentials, type ConnectionCredentials } from '../client/connection.js';
export { MemoryService, type MemorizeInput, type RecallInput } from '../memory/memory-service.js';
export { MemoryError, isMemoryError, type MemoryErrorCode } from '../memory/errors.js';
export { MEMORY_TOOL_NAMES } from '../memory/memory-tools.js';
export type { MemoryHit, MemoryStore, MetadataValue, StoredMemory } from '../memory/types.js';
