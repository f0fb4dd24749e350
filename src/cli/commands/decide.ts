/** `harness approve | reject | edit`: decide a pending approval, by update (default) or signal. */
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { parseDuration } from '../../common/durations.js';
import { GRANT_SCOPES, type GrantScope } from '../../workflows/grants/contract.js';
import type { DecisionDetails } from '../../client/run-handle.js';
import { DECISIONS, type DecisionResult } from '../../workflows/run/contract.js';
import { contextFrom, parseJsonObject, withClient } from '../context.js';
import { c, formatDecision, out, shellQuote } from '../output.js';

interface DecideOptions {
  approval?: string;
  by?: string;
  role?: string[];
  reason?: string;
  signal?: boolean;
  input?: string;
  grant?: GrantScope;
  grantFor?: string;
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
  $ harness approve run-1f0c… --signal             # fire-and-forget, like \`temporal workflow signal\`
  $ harness approve run-1f0c… --grant thread --grant-for 8h   # and later calls of the tool in this thread`,
  reject: `
Examples:
  $ harness reject run-1f0c… --reason "amount exceeds policy"
  $ harness reject run-1f0c… --approval call_3_0 --by ann --reason "duplicate request"`,
  edit: `
Examples:
  $ harness edit run-1f0c… --input '{"orderId":"A-1001","amount":21}'   # the run's only pending approval
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
    if (kind === 'approve') {
      cmd
        .addOption(new Option('--grant <scope>', 'also approve later calls of this tool in this thread or agent (the tool must allow it)').choices(GRANT_SCOPES))
        .option('--grant-for <duration>', 'how long the grant lasts, e.g. 8h or 7d (default: until revoked)');
    }
    if (kind === 'edit') {
      // Like approve and reject, an edit defaults to the run's only pending approval.
      cmd.requiredOption('--input <json>', "replacement tool input as a JSON object (checked against the tool's schema)");
    }
    cmd.action(async (runId: string, opts: DecideOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const input = opts.input === undefined ? undefined : parseJsonObject('--input', opts.input);
      const approver = opts.by ?? defaultApprover();
      const details: DecisionDetails = {
        via: opts.signal ? 'signal' : 'update',
        ...(opts.approval !== undefined && { approvalId: opts.approval }),
        ...(approver !== undefined && { approver }),
        ...(opts.role?.length && { approverRoles: opts.role }),
        ...(opts.reason !== undefined && { reason: opts.reason }),
        ...(opts.grant !== undefined && {
          grant: { scope: opts.grant, ...(opts.grantFor !== undefined && { expiresInMs: parseDuration(opts.grantFor, { min: 1000, what: '--grant-for' }) }) },
        }),
      };
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        const decide = (): Promise<DecisionResult | undefined> => {
          if (kind === 'approve') return run.approve(details);
          if (kind === 'reject') return run.reject(details);
          return run.edit(input!, details); // --input is a required option of `edit`
        };
        // Without a deadline an update to a run no worker serves waits forever; past it the client
        // throws UPDATE_TIMEOUT (or QUERY_TIMEOUT while finding the approval), reported with a hint.
        const record = await client.temporal.connection.withDeadline(Date.now() + DECIDE_TIMEOUT_MS, decide);
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
