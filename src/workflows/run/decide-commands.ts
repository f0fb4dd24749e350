/**
 * The exact commands that decide one approval, as `harness status`, `watch` and the Web UI's
 * current details print them: `harness approve` / `reject` (by update) and the stock Temporal
 * CLI's `temporal workflow signal`. Every command must work as printed, so an approval whose tool
 * restricts `approvers` gets a decider the rule accepts (`--by <name>`, or `--role <role>` when the
 * rule lists only roles) and the signal's JSON carries the same. Pure string building: the
 * workflow bundle includes it (for the Web UI details) and the CLI imports it.
 */
import { approvalDecisionSignal, type PendingApproval } from './contract.js';

const ROLE_PREFIX = 'role:';

/** Quotes a word for POSIX shells only when it needs it. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A decider the approval's `approvers` rule accepts: its first named person, else its first role. */
export function printableDecider(approvers: readonly string[] | undefined): { by?: string; role?: string } {
  if (!approvers?.length) return {};
  const name = approvers.find((a) => !a.startsWith(ROLE_PREFIX));
  if (name !== undefined) return { by: name };
  return { role: approvers[0]!.slice(ROLE_PREFIX.length).trim() };
}

/** Who may decide, in words: `alice, bob or anyone with role finance`; undefined = anyone. */
export function approversInWords(approvers: readonly string[] | undefined): string | undefined {
  if (!approvers?.length) return undefined;
  const names = approvers.filter((a) => !a.startsWith(ROLE_PREFIX));
  const roles = approvers.filter((a) => a.startsWith(ROLE_PREFIX)).map((a) => a.slice(ROLE_PREFIX.length).trim());
  const parts = [...names, ...(roles.length ? [`anyone with role ${roles.join(' or ')}`] : [])];
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : parts[0];
}

/** An `approve` decision payload for `approval`, with a decider its `approvers` rule accepts. */
export function approveDecision(approval: Pick<PendingApproval, 'approvalId' | 'approvers'>): Record<string, unknown> {
  const decider = printableDecider(approval.approvers);
  return {
    approvalId: approval.approvalId,
    decision: 'approve',
    ...(decider.by !== undefined && { approver: decider.by }),
    ...(decider.role !== undefined && { approverRoles: [decider.role] }),
  };
}

export interface DecideCommandOptions {
  /** Flags appended to every command, e.g. ` --address host:7233` (leading space included). */
  flags?: string;
  /** How to call the Temporal CLI: `temporal` (default) or its full path when it is not on PATH. */
  temporal?: string;
}

/** The commands that decide `approval` on run `runId`. */
export function decideCommands(
  runId: string,
  approval: Pick<PendingApproval, 'approvalId' | 'approvers'>,
  options: DecideCommandOptions = {},
): { approve: string; reject: string; signal: string } {
  const run = shellQuote(runId);
  const id = shellQuote(approval.approvalId);
  const flags = options.flags ?? '';
  const decider = printableDecider(approval.approvers);
  const who = [decider.by !== undefined ? ` --by ${shellQuote(decider.by)}` : '', decider.role !== undefined ? ` --role ${shellQuote(decider.role)}` : ''].join('');
  const payload = JSON.stringify(approveDecision(approval));
  return {
    approve: `harness approve ${run} --approval ${id}${who}${flags}`,
    reject: `harness reject ${run} --approval ${id}${who} --reason "<why>"${flags}`,
    signal:
      `${shellQuote(options.temporal ?? 'temporal')} workflow signal --workflow-id ${run} --name ${approvalDecisionSignal.name} ` +
      `--input ${shellQuote(payload)}${flags}`,
  };
}
