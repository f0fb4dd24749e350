/**
 * What the Temporal Web UI shows of a run: its "current details" (User Metadata tab: its state
 * and, while it waits, each pending approval with who may decide it, its deadline and the exact
 * commands that decide it; Markdown, as the UI renders it) and the label of an approval's deadline
 * timer in the History timeline.
 */
import { formatMs } from '../shared/failures.js';
import type { ApprovalDeadline, PendingApproval, RunStatus } from './contract.js';
import { approveDecision, approversInWords, decideCommands } from './decide-commands.js';

/** The markdown the Web UI shows for a run in this status. */
export function currentDetails(s: RunStatus): string {
  const state = s.state.replaceAll('_', ' ');
  const routed = s.routing && s.routing.via !== 'explicit' ? ` (routed from \`${s.routing.requestedAgentId}\`: ${s.routing.via})` : '';
  const lines = [`**${state[0]!.toUpperCase()}${state.slice(1)}** · agent \`${s.agentId}\`${routed} · step ${s.step}`];
  if (s.routing && s.routing.via !== 'explicit') lines.push('', `Routed: ${s.routing.via} (${s.routing.reason})`);
  if (s.forkOf) lines.push('', `Fork of \`${s.forkOf.workflowId}\` at step ${s.forkOf.step}: steps up to it are that run's, which this run leaves unchanged.`);
  for (const p of s.pendingApprovals) {
    const cmds = decideCommands(s.runId, p);
    lines.push(
      '',
      `**Approval \`${p.approvalId}\`**: \`${p.toolName}\` \`${JSON.stringify(p.input)}\` (step ${p.step})`,
      ...(p.path ? ['', `From sub-agent ${p.path.join(' → ')}${p.origin ? ` (waits in run \`${p.origin.runId}\`)` : ''}`] : []),
      ...(p.judge ? ['', `Judge \`${p.judge.model}\` escalated it: ${p.judge.reason}`] : []),
      '',
      `Who may decide: ${approversInWords(p.approvers) ?? 'anyone'}. ${deadlineInWords(p.deadline)}`,
      '',
      `- approve: \`${cmds.approve}\``,
      `- reject: \`${cmds.reject}\``,
      `- or: \`${cmds.signal}\``,
      `- or here: **More Actions → Send an Update** \`decideApproval\` (or **Send a Signal** \`approvalDecision\`) with \`${JSON.stringify(approveDecision(p))}\``,
    );
  }
  if (s.error) lines.push('', `Error: ${s.error}`);
  // Web UI 2.42.1 sizes this box from the body's height without its bottom margin, cutting ~14 px;
  // an invisible last paragraph takes the cut instead of the last command.
  lines.push('', '\u00a0');
  return lines.join('\n');
}

/** `Waits until … UTC, then reject.` or `No deadline: it waits as long as it takes.` */
export function deadlineInWords(deadline: ApprovalDeadline | undefined): string {
  if (!deadline) return 'No deadline: it waits as long as it takes.';
  const then = deadline.onTimeout === 'fail' ? 'the run fails' : `it is ${deadline.onTimeout === 'approve' ? 'approved' : 'rejected'}`;
  return `Waits until ${utc(deadline.at)}; then ${then}.`;
}

/**
 * The label of an approval's deadline timer in the History timeline: what waits, for whom, until
 * when and what happens then, e.g. `approval call_3_0 · issue_refund · waits for alice or anyone
 * with role finance · until 2026-12-12 10:00:00 UTC (7d), then reject`.
 */
export function approvalTimerSummary(
  approval: Pick<PendingApproval, 'approvalId' | 'toolName' | 'approvers' | 'deadline'>,
  timeoutMs: number,
  onTimeout: ApprovalDeadline['onTimeout'],
): string {
  const who = approversInWords(approval.approvers) ?? 'anyone';
  const until = approval.deadline ? `until ${utc(approval.deadline.at)} (${formatMs(timeoutMs)})` : formatMs(timeoutMs);
  const then = onTimeout === 'fail' ? 'then the run fails' : `then ${onTimeout}`;
  return `approval ${approval.approvalId} · ${approval.toolName} · waits for ${who} · ${until}, ${then}`;
}

/** `2026-12-12T10:00:00.000Z` → `2026-12-12 10:00:00 UTC`. */
function utc(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}
