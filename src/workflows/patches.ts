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
