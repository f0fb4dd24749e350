/**
 * Patch ids for `patched()`: each marks a workflow change made while runs of the old code may be
 * in flight. Old histories replay the old branch; new runs take the new one. Remove a patch (and
 * its old branch) only when no run that started before it can still be open — the replay test
 * over `test/fixtures/histories` tells you when a removal would break a recorded run.
 */

/**
 * Runs plan with `planRun` (routing rules, router model, default agent, policies) instead of
 * `describeAgent` (the named agent as is).
 */
export const ROUTE_AND_POLICE = 'route-and-police';

/**
 * Runs plan with `planRun` as a local activity (inside the workflow task, its verdict recorded as
 * a marker) instead of a scheduled one: planning only reads the worker's workspace (and at most asks
 * a router model once), and a scheduled activity cost two extra task dispatches per run — most of
 * agentRun's overhead over a bare workflow (BENCHMARKS.md, fix 2). Runs that planned with the
 * scheduled activity replay that branch. Checked only inside `route-and-police`.
 */
export const PLAN_LOCALLY = 'plan-locally';

/**
 * After each completed run, a thread calls the `syncThreadMemory` activity (long-term memory:
 * the agent's `memory.sync` facts or summary). Threads whose runs completed before it replay
 * without that activity.
 */
export const THREAD_MEMORY_SYNC = 'thread-memory-sync';

/**
 * Sub-agents: a tool call on another agent starts a child `agentRun` instead of a tool activity,
 * and a sub-agent run (one with `parent`) reports its approvals to its parent by signal.
 */
export const SUB_AGENTS = 'sub-agents';

/**
 * Long runs continue as new between steps once their history is long (the server's suggestion, or
 * `limits.continueAsNewAfterEvents`). Runs of older code never checked, so their replays skip it.
 */
export const CONTINUE_AS_NEW = 'agent-run-continue-as-new';

/**
 * A run over `maxConcurrentRuns` joins the slot keeper's line by a signal sent with the workflow
 * task that makes it `queued` (the `requestSlot` activity only starts a keeper that is not
 * running). Runs that asked through the activity replay that. Checked only by runs started
 * before `decided-before-planning`, which decides this before planning.
 */
export const SLOT_REQUEST_BY_SIGNAL = 'slot-request-by-signal';

/**
 * A new run decides before planning what the code that runs on the plan's arrival does: it joins
 * the slot line by signal, and never continues as new before its first model call (it has nothing
 * to hand over yet). That code runs where planning, a local activity, resolves, and when a query
 * or update made the worker complete the workflow task around the activity, it runs in another
 * task live than on replay: a patched() first called there, or the history length read there,
 * can differ on replay (a nondeterminism error). Runs without it replay the old checks.
 */
export const DECIDED_BEFORE_PLANNING = 'decided-before-planning';
