/** Errors of the workspace layer: each names the file, the path inside it, and what is expected. */
import { HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/** Codes of {@link WorkspaceError}. */
export type WorkspaceErrorCode =
  | 'WORKSPACE_NOT_FOUND'
  | 'WORKSPACE_YAML_SYNTAX'
  | 'WORKSPACE_INVALID'
  | 'TOOLS_MODULE_LOAD_FAILED'
  | 'GRAPH_MODULE_LOAD_FAILED'
  | 'MCP_SERVER_FAILED'
  | 'MCP_TOOLS_INVALID';

/** One problem in a workspace file. */
export interface WorkspaceIssue {
  /** Where in the file, e.g. `agents[1].tools[0]`; empty for the file as a whole. */
  path: string;
  message: string;
}

/**
 * A workspace file that cannot be used. `issues` lists every problem found (not just the first),
 * so one edit can fix them all.
 */
export class WorkspaceError extends HarnessError<WorkspaceErrorCode> {
  override readonly name = 'WorkspaceError';
  /**
   * @param file - the workspace file (or module) at fault.
   * @param issues - every problem found, each with its path inside the file.
   */
  constructor(
    code: WorkspaceErrorCode,
    readonly file: string,
    readonly issues: WorkspaceIssue[],
    options?: HarnessErrorOptions,
  ) {
    super(code, formatIssues(file, issues), options);
  }
}

/** Whether `err` is a {@link WorkspaceError}. */
export function isWorkspaceError(err: unknown): err is WorkspaceError {
  return err instanceof WorkspaceError;
}

function formatIssues(file: string, issues: WorkspaceIssue[]): string {
  const lines = issues.map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message}`);
  return `Invalid workspace file ${file}:\n${lines.join('\n')}`;
}

/** `['agents', 1, 'tools', 0]` → `agents[1].tools[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
