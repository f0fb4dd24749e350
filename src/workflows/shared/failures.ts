/** Turning activity failures and timeouts into messages that say what went wrong, and where to change it. */
import { ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** The kind of timeout that ended an activity, if one did. */
export function timeoutIn(err: unknown): TimeoutFailure['timeoutType'] | undefined {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof TimeoutFailure) return e.timeoutType;
  }
  return undefined;
}

/** Why a call timed out, in the workspace's terms. */
export function timeoutReason(type: TimeoutFailure['timeoutType'], callTimeoutMs: number, setting: string, heartbeatMs: number): string {
  return type === 'HEARTBEAT'
    ? `stopped heartbeating for ${formatMs(heartbeatMs)} (limits.heartbeatTimeout: its worker died or was overloaded)`
    : `timed out after ${formatMs(callTimeoutMs)} (limits.${setting})`;
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The message that says what went wrong: the first ApplicationFailure in the chain (our
 * activities raise those with classified, actionable messages), else the innermost message.
 */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure && current !== err) return current.message;
    if (current.message && !/^Activity task (failed|timed out)$/.test(current.message)) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
