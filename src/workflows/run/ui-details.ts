/**
 * The "current details" the Temporal Web UI shows on a run's page (User Metadata tab): its state
 * and, while it waits, each pending approval with the exact commands that decide it. Markdown,
 * as the UI renders it.
 */
import type { RunStatus } from './contract.js';

/** The markdown the Web UI shows for a run in this status. */
export function currentDetails(s: RunStatus): string {
  const state = s.state.replaceAll('_', ' ');
  const lines = [`**${state[0]!.toUpperCase()}${state.slice(1)}** · agent \`${s.agentId}\` · step ${s.step}`];
  if (s.routing && s.routing.via !== 'explicit') lines.push('', `Routed: ${s.routing.via} (${s.routing.reason})`);
  for (const p of s.pendingApprovals) {
    const signal = JSON.stringify({ approvalId: p.approvalId, decision: 'approve' });
    lines.push(
      '',
      `**Approval \`${p.approvalId}\`**: \`${p.toolName}\` \`${JSON.stringify(p.input)}\``,
      ...(p.path ? ['', `From sub-agent ${p.path.join(' → ')}${p.origin ? ` (waits in run \`${p.origin.runId}\`)` : ''}`] : []),
      '',
      `- approve: \`harness approve ${s.runId} --approval ${p.approvalId}\``,
      `- reject: \`harness reject ${s.runId} --approval ${p.approvalId} --reason "…"\``,
      `- or: \`temporal workflow signal --workflow-id ${s.runId} --name approvalDecision --input '${signal}'\``,
    );
  }
  if (s.error) lines.push('', `Error: ${s.error}`);
  // Web UI 2.42.1 sizes this box from the body's height without its bottom margin, cutting ~14 px;
  // an invisible last paragraph takes the cut instead of the last command.
  lines.push('', '\u00a0');
  return lines.join('\n');
}
