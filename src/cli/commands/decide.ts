/** `harness approve | reject | edit`: decide a pending approval, by update (default) or signal. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { HarnessClientError } from '../../client/errors.js';
import type { DecisionDetails, RunHandle } from '../../client/run-handle.js';
import { DECISIONS, type ApprovalDecisionInput, type ApprovalRecord } from '../../workflows/run/contract.js';
import { contextFrom, parseJsonObject, withClient } from '../context.js';
import { CliError, isQueryTimeout } from '../errors.js';
import { c, formatDecision, out, shellQuote } from '../output.js';

interface DecideOptions {
  approval?: string;
  by?: string;
  role?: string[];
  reason?: string;
  signal?: boolean;
  input?: string;
}

type Kind = 'approve' | 'reject' | 'edit';

const DECIDE_TIMEOUT_MS = 20_000;

const SUMMARIES: Record<Kind, string> = {
  approve: 'approve a pending tool call as it is',
  reject: 'reject a pending tool call (the model is told by whom and why)',
  edit: 'approve a pending tool call with a replacement input',
};

const EXAMPLES: Record<Kind, string> = {
  approve: `
Examples:
  $ harness approve run-1f0c…                      # the run's only pending approval
  $ harness approve run-1f0c… --approval call_3_0 --by ann --reason "customer verified"
  $ harness approve run-1f0c… --by ann --role finance   # for tools whose approvers list role:finance
  $ harness approve run-1f0c… --signal             # fire-and-forget, like \`temporal workflow signal\``,
  reject: `
Examples:
  $ harness reject run-1f0c… --reason "amount exceeds policy"
  $ harness reject run-1f0c… --approval call_3_0 --by ann --reason "duplicate request"`,
  edit: `
Examples:
  $ harness edit run-1f0c… --approval call_3_0 --input '{"orderId":"A-1001","amount":21}'
  $ harness edit run-1f0c… --approval call_3_0 --input '{"orderId":"A-1001","amount":21}' --reason "half refund"`,
};

function defaultApprover(): string | undefined {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}

export function registerDecide(program: Command): void {
  for (const kind of DECISIONS) {
    const cmd = program
      .command(kind)
      .summary(SUMMARIES[kind])
      .description(
        `${SUMMARIES[kind][0]!.toUpperCase()}${SUMMARIES[kind].slice(1)}.\n\n` +
          'By default the decision goes as an update: the run validates it and answers, so a wrong approval ' +
          'id or an input that fails the tool schema is an error here (exit code 1). With --signal it is ' +
          'sent as the `approvalDecision` signal: no answer; a refused one shows under `harness status`.',
      )
      .argument('<run>', 'run id')
      .option('--approval <id>', 'approval id (default: the run’s only pending approval)')
      .option('--by <name>', 'who decides, recorded with the decision (default: your login name)')
      .option(
        '--role <role>',
        'a role you decide as, for tools whose approvers list `role:<role>`; repeatable',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--reason <text>', 'why, recorded with the decision')
      .option('--signal', 'send a signal instead of an update (fire-and-forget)')
      .addHelpText('after', EXAMPLES[kind]);
    if (kind === 'edit') {
      cmd.requiredOption('--input <json>', "replacement tool input as a JSON object (checked against the tool's schema)");
      // An edit must name its approval: the input is written for one specific tool call.
      cmd.options.find((o) => o.long === '--approval')!.makeOptionMandatory();
    }
    cmd.action(async (runId: string, opts: DecideOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const input = opts.input === undefined ? undefined : parseJsonObject('--input', opts.input);
      const approver = opts.by ?? defaultApprover();
      const details: DecisionDetails = {
        via: opts.signal ? 'signal' : 'update',
        ...(opts.approval !== undefined && { approvalId: opts.approval }),
        ...(approver !== undefined && { approver }),
        ...(opts.reason !== undefined && { reason: opts.reason }),
      };
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        const decide = (): Promise<ApprovalRecord | undefined> => {
          if (opts.role?.length) return decideWithRoles(run, kind, details, opts.role, input);
          if (kind === 'approve') return run.approve(details);
          if (kind === 'reject') return run.reject(details);
          return run.edit(input!, details); // --input is a required option of `edit`
        };
        // Without a deadline an update to a run no worker serves waits forever.
        let record: ApprovalRecord | undefined;
        try {
          record = await client.temporal.connection.withDeadline(Date.now() + DECIDE_TIMEOUT_MS, decide);
        } catch (e) {
          if (!(e instanceof Error && e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') && !isQueryTimeout(e)) throw e;
          throw new CliError(
            'NO_ANSWER',
            `Run ${runId} did not answer in ${DECIDE_TIMEOUT_MS / 1000} s: no worker seems to serve its task queue. ` +
              'Start one with `harness worker` (or `harness dev`); check with `harness status` whether the decision was recorded before retrying.',
            { cause: e },
          );
        }
        if (record) {
          out(...formatDecision(record, ''));
        } else {
          out(
            `${kind} sent as signal to ${runId}${opts.approval ? ` for ${opts.approval}` : ''}. ` +
              `Signals get no answer: check it with ${c.bold(`harness status ${shellQuote(runId)}`)}.`,
          );
        }
      });
    });
  }
}

/**
 * A decision carrying `approverRoles`. `RunHandle`'s approve/reject/edit take no roles, so this
 * resolves the approval id the same way they do and sends the full decision with `decide`.
 */
async function decideWithRoles(
  run: RunHandle,
  kind: Kind,
  details: DecisionDetails,
  roles: string[],
  input: Record<string, unknown> | undefined,
): Promise<ApprovalRecord | undefined> {
  let approvalId = details.approvalId;
  if (approvalId === undefined) {
    const { pendingApprovals } = await run.status();
    if (pendingApprovals.length !== 1) {
      throw new HarnessClientError(
        pendingApprovals.length === 0 ? 'NO_PENDING_APPROVAL' : 'AMBIGUOUS_APPROVAL',
        pendingApprovals.length === 0
          ? `Run ${run.runId} has no pending approval.`
          : `Run ${run.runId} has ${pendingApprovals.length} pending approvals (${pendingApprovals.map((p) => p.approvalId).join(', ')}); name one with --approval <id>.`,
      );
    }
    approvalId = pendingApprovals[0]!.approvalId;
  }
  const decision: ApprovalDecisionInput = {
    approvalId,
    decision: kind,
    approverRoles: roles,
    ...(details.approver !== undefined && { approver: details.approver }),
    ...(details.reason !== undefined && { reason: details.reason }),
    ...(kind === 'edit' && input && { input }),
  };
  return run.decide(decision, { via: details.via ?? 'update' });
}
