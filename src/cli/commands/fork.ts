/** `harness fork` and `harness forks`: start a new run from a step of another, list a run's forks. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ForkToolCallChange } from '../../workflows/run/fork.js';
import { contextFrom, parseJsonObject, positiveInt, withClient } from '../context.js';
import { CliError } from '../errors.js';
import { c, out, shellQuote, table } from '../output.js';

interface ForkCliOptions {
  fromStep: number;
  toolInput?: string[];
  approve?: string[];
  reject?: string[];
  by?: string;
  role?: string[];
  reason?: string;
  id?: string;
}

const repeatable = (value: string, previous: string[] = []) => [...previous, value];

export function registerFork(program: Command): void {
  program
    .command('fork')
    .summary('start a new run from a step of a run, with edited tool inputs or other decisions')
    .description(
      "Starts a new run that begins where step N of a run ended: that step's model message, with the tool " +
        'inputs you edit and the decisions you give, then goes on as a run of its own. The original run is only ' +
        'read, never changed, and may be finished. The fork reads the earlier messages from the original (they ' +
        'are not copied) and is linked to it: `harness status` of the fork shows "fork of", `harness forks` lists ' +
        "a run's forks. Steps are the run's model calls as `harness status` counts them; the tool call ids of a " +
        'step are in `harness transcript`. A call that needs approval and gets no --approve or --reject is ' +
        'asked again, like any pending approval.',
    )
    .argument('<run>', 'the run to fork')
    .requiredOption('--from-step <n>', 'the step to start from (1 = the first model call)', positiveInt('--from-step'))
    .option('--tool-input <id=json>', "a tool call's new input, e.g. call_3_0='{\"amount\":10}'; repeatable", repeatable)
    .option('--approve <id>', 'approve this tool call of the step at once; repeatable', repeatable)
    .option('--reject <id>', 'reject this tool call of the step at once (the model is told); repeatable', repeatable)
    .option('--by <name>', 'who decides, recorded with --approve/--reject (default: your login name)')
    .option('--role <role>', 'a role you decide as, for tools whose approvers list `role:<role>`; repeatable', repeatable)
    .option('--reason <text>', 'why, recorded with every --approve/--reject')
    .option('--id <runId>', "the fork's run id (default: run-<uuid>)")
    .addHelpText(
      'after',
      `
Examples:
  $ harness fork run-1f0c… --from-step 2                                          # step 2 again; its approvals are asked again
  $ harness fork run-1f0c… --from-step 2 --tool-input call_3_0='{"orderId":"A-1001","amount":10}' --approve call_3_0 --by ann
  $ harness fork run-1f0c… --from-step 2 --reject call_3_0 --reason "not refundable"
  $ harness forks run-1f0c…`,
    )
    .action(async (runId: string, opts: ForkCliOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const toolCalls = changesFrom(opts);
      const decides = toolCalls.some((t) => t.decision !== undefined);
      const approver = opts.by ?? (decides ? loginName() : undefined);
      await withClient(ctx, async (client) => {
        const fork = await client.fork(runId, {
          fromStep: opts.fromStep,
          ...(toolCalls.length > 0 && { toolCalls }),
          ...(approver !== undefined && { approver }),
          ...(opts.role?.length && { approverRoles: opts.role }),
          ...(opts.id !== undefined && { runId: opts.id }),
        });
        out(
          `Forked ${runId} at step ${opts.fromStep}: ${c.bold(fork.runId)}`,
          `  follow it:  ${c.bold(`harness watch ${shellQuote(fork.runId)}`)}`,
          `  its status: ${c.bold(`harness status ${shellQuote(fork.runId)}`)}`,
        );
      });
    });

  program
    .command('forks')
    .summary('list the forks of a run, newest first')
    .description('Lists the runs forked from a run (search attribute HarnessForkOf), newest first. Visibility is eventually consistent: a fork started a moment ago can take a moment to show up.')
    .argument('<run>', 'the original run')
    .option('--json', 'print the forks as JSON')
    .addHelpText('after', '\nExamples:\n  $ harness forks run-1f0c…\n  $ harness forks run-1f0c… --json')
    .action(async (runId: string, opts: { json?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const forks = await client.forks(runId);
        if (opts.json) return void out(JSON.stringify(forks, null, 2));
        if (forks.length === 0) return void out(c.dim(`no forks of ${runId} found`));
        out(...table(['FORK', 'FROM STEP', 'STARTED'], forks.map((f) => [f.runId, String(f.step ?? '-'), f.startTime.toISOString()])));
      });
    });
}

/** The tool call changes the flags ask for, one per call id (an input and a decision may go together). */
function changesFrom(opts: ForkCliOptions): ForkToolCallChange[] {
  const changes = new Map<string, ForkToolCallChange>();
  const change = (id: string) => changes.get(id) ?? changes.set(id, { id }).get(id)!;
  for (const pair of opts.toolInput ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError('INVALID_ARGUMENT', `--tool-input takes <tool call id>=<json>, e.g. --tool-input call_3_0='{"amount":10}'; got ${pair}`);
    change(pair.slice(0, eq)).input = parseJsonObject(`--tool-input ${pair.slice(0, eq)}`, pair.slice(eq + 1));
  }
  for (const [ids, decision] of [[opts.approve, 'approve'], [opts.reject, 'reject']] as const) {
    for (const id of ids ?? []) {
      const c = change(id);
      if (c.decision !== undefined) throw new CliError('INVALID_ARGUMENT', `Tool call ${id} is both approved and rejected: give it one decision.`);
      c.decision = decision;
      if (opts.reason !== undefined) c.reason = opts.reason;
    }
  }
  if (opts.reason !== undefined && ![...changes.values()].some((x) => x.decision)) {
    throw new CliError('INVALID_ARGUMENT', '--reason goes with --approve or --reject (it is recorded with the decision).');
  }
  return [...changes.values()];
}

function loginName(): string | undefined {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}
