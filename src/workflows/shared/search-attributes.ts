import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes every run carries, so runs can be filtered in the Temporal Web UI and by
 * `harness list` (e.g. `HarnessRunState="waiting_for_approval"`). All Keyword: the SQLite dev
 * store allows only 10 Keyword attributes, and we want exact-match filters anyway.
 */
export const RUN_STATE = defineSearchAttributeKey('HarnessRunState', SearchAttributeType.KEYWORD);
export const AGENT_ID = defineSearchAttributeKey('HarnessAgentId', SearchAttributeType.KEYWORD);
export const THREAD_ID = defineSearchAttributeKey('HarnessThreadId', SearchAttributeType.KEYWORD);
/** On a fork: the run id it was forked from (`HarnessForkOf="run-…"` lists a run's forks). */
export const FORK_OF = defineSearchAttributeKey('HarnessForkOf', SearchAttributeType.KEYWORD);

/** Every search attribute the harness needs registered on the namespace, by name. */
export const HARNESS_SEARCH_ATTRIBUTES = [RUN_STATE, AGENT_ID, THREAD_ID, FORK_OF] as const;
