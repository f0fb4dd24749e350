export { loadWorkspace, parseWorkspaceText, resolveWorkspacePath, DEFAULT_WORKSPACE_FILE, type Workspace } from './load.js';
export { WorkspaceError, isWorkspaceError, type WorkspaceErrorCode, type WorkspaceIssue } from './errors.js';
export type { AgentConfig, LimitsConfig, ModelConfig, OpenAIModelConfig, ScriptedModelConfig, WorkspaceConfig } from './schema.js';
export { agentSpec } from './agent-spec.js';
