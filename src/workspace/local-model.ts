/**
 * Models declared local (`models.<id>.local: true` in the workspace file): the built-in agent
 * loop's model calls to that model run as Temporal local activities, in the run's workflow task on
 * the worker that runs the workflow. No activity task goes through the server (two round trips
 * fewer per step), and history gets a marker with the model's message instead of three activity
 * events.
 *
 * The price is the same as a local tool's (see per-tool.ts): no pending-activity row while the
 * model answers, Stop (cancel), queries and decisions wait for the call to end, and a worker that
 * dies mid-call costs the workflow task timeout (10 s) before another worker retries it. While the
 * call runs its tokens reach followers on the live path only; the run's durable log gets the whole
 * text when the call returns. Hence only for a model that answers within a few seconds: a small
 * model served next to the worker, a router or classifier, a test stub.
 */
import { z } from 'zod';
import type { WorkspaceIssue } from './errors.js';
import { LOCAL_TOOL_MAX_TIMEOUT_MS } from './per-tool.js';
import { duration } from './schema-primitives.js';
import type { WorkspaceConfig } from './schema.js';

/**
 * Longest timeout of a local model call per attempt (and its default): like a local tool's, one
 * attempt stays well inside one workflow task (10 s).
 */
export const LOCAL_MODEL_MAX_TIMEOUT_MS = LOCAL_TOOL_MAX_TIMEOUT_MS;

/** The fields every `models.<id>` entry takes for it. */
export const localModelFields = {
  /**
   * Run the agent loop's calls to this model as Temporal local activities (in the workflow task,
   * no activity task). Only for a model that answers within a few seconds.
   * @default false
   */
  local: z.boolean().optional(),
  /**
   * A local model call's timeout per attempt (retries follow `limits.modelRetry`).
   * @default 5s, the most allowed
   */
  timeout: duration.optional(),
};

/** A local model's timeout per attempt, in milliseconds, or undefined when the model is not local. */
export function localModelTimeoutMs(config: WorkspaceConfig, modelId: string): number | undefined {
  const m = config.models[modelId];
  return m?.local ? (m.timeout ?? LOCAL_MODEL_MAX_TIMEOUT_MS) : undefined;
}

/** A `timeout` without `local`, or over the most a local call may take. */
export function checkLocalModels(config: WorkspaceConfig): WorkspaceIssue[] {
  const issues: WorkspaceIssue[] = [];
  for (const [id, m] of Object.entries(config.models)) {
    if (m.timeout === undefined) continue;
    const path = `models.${id}.timeout`;
    if (!m.local) {
      issues.push({ path, message: 'a model `timeout` is for local models (`local: true`); a regular model call is bounded by limits.modelCallTimeout' });
    } else if (m.timeout > LOCAL_MODEL_MAX_TIMEOUT_MS) {
      issues.push({
        path,
        message: `a local model's timeout is at most ${LOCAL_MODEL_MAX_TIMEOUT_MS / 1000}s: its call holds the run's workflow task, so Stop and decisions wait for it and a crashed worker's call is retried only after the workflow task timeout. Shorten it, or remove \`local: true\` to call the model from a regular activity`,
      });
    }
  }
  return issues;
}
