/**
 * The activities of a run: everything that touches the world (models, tools, the workspace).
 * Built once per worker around its loaded workspace. Each activity's input and result types live
 * next to it (`call-model.ts`, `call-tool.ts`, `plan-run.ts`, `graph/types.ts`, `memory-sync.ts`).
 */
import type { Client } from '@temporalio/client';
import type { Workspace } from '../workspace/load.js';
import { createModelActivities } from './call-model.js';
import { createToolActivities } from './call-tool.js';
import { createContentActivities } from './contents.js';
import { createGraphActivities } from './graph/run-graph.js';
import { createMemorySyncActivities } from './memory-sync.js';
import { createNotifyActivities } from './notify.js';
import { createPlanActivities } from './plan-run.js';
import { createGrantActivities } from './grants.js';
import { createJudgeActivities } from './judge.js';
import { createSlotActivities } from './slots.js';

export interface ActivityDeps {
  workspace: Workspace;
  /** Used to read a run's transcript by query, so it never travels in activity inputs. */
  client: Client;
}

export function createActivities({ workspace, client }: ActivityDeps) {
  return {
    ...createSlotActivities(client),
    ...createGrantActivities(client),
    ...createPlanActivities(workspace),
    ...createGraphActivities({ workspace, client }),
    ...createMemorySyncActivities(workspace, client),
    ...createModelActivities(workspace, client),
    ...createToolActivities(workspace, client),
    ...createContentActivities(client),
    ...createNotifyActivities(),
    ...createJudgeActivities(workspace),
  };
}

export type HarnessActivities = ReturnType<typeof createActivities>;
export type { CallModelInput, ModelTurn } from './call-model.js';
export type { CallToolInput, ToolResult } from './call-tool.js';
export type { PlanRunInput, RunPlan } from './plan-run.js';
