/**
 * `harness inbox`: every pending approval across all runs (found through Temporal visibility,
 * `HarnessRunState="waiting_for_approval"`), and — in a terminal — a prompt to approve, reject or
 * edit them one by one. Decisions go by update, so a refused one says why at once.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { DecisionRejectedError } from '../../client/errors.js';
import type { HarnessClient } from '../../client/harness-client.js';
import { listPendingApprovals, listPendingQuestions, type PendingApprovalItem } from '../../client/pending-approvals.js';
import { contextFrom, withClient } from '../context.js';
import { approversInWords } from '../../workflows/run/decide-commands.js';
import { deadlineInWords } from '../../workflows/run/ui-details.js';
import { c, compactJson, delegatedLines, formatDecision, formatQuestion, out } from '../output.js';

type InboxItem = PendingApprovalItem;

interface InboxOptions {
  json?: boolean;
  interactive?: boolean;
  by?: string;
}

export function registerInbox(program: Command): void {
  program
    .command('inbox')
    .summary('list pending approvals across all runs, and decide them interactively')
    .description(
      'Lists every tool call waiting for a decision, across all runs of the task queue. In a terminal it ' +
        'then asks which to decide and how: approve, reject (with a reason) or edit (new JSON input). ' +
        'Without a terminal (or with --no-interactive) it only lists them.',
    )
    .option('--json', 'print the pending approvals as JSON and exit')
    .option('--no-interactive', 'only list, never prompt')
    .option('--by <name>', 'who decides (recorded in the run; default: your login name)')
    .addHelpText(
      'after',
      `
Examples:
  $ harness inbox                       # list, then decide one by one
  $ harness inbox --json | jq '.[].approval.toolName'`,
    )
    .action(async (opts: InboxOptions, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        if (opts.json) return out(JSON.stringify(await listPendingApprovals(client), null, 2));
        const interactive = opts.interactive !== false && process.stdin.isTTY === true;
        await printQuestions(client);
        if (!interactive) return printInbox(await listPendingApprovals(client));
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        try {
          await decideLoop(client, rl, opts.by ?? loginName());
        } finally {
          rl.close();
        }
      });
    });
}

/** Questions agents asked (`ask_human`): listed with the command that answers each. */
async function printQuestions(client: HarnessClient): Promise<void> {
  const questions = await listPendingQuestions(client);
  if (questions.length === 0) return;
  out(c.bold(`${questions.length} pending question${questions.length === 1 ? '' : 's'}:`));
  for (const { runId, agentId, question } of questions) out(`  ${runId}  ${c.dim(agentId)}`, ...formatQuestion(runId, question, '    '));
}

function printInbox(items: InboxItem[]): void {
  if (items.length === 0) return out('No pending approvals.');
  out(c.bold(`${items.length} pending approval${items.length === 1 ? '' : 's'}:`));
  items.forEach((item, i) => {
    out(
      `  [${i + 1}] ${item.runId}  ${c.dim(item.agentId)}  ${c.cyan(item.approval.toolName)}  ${item.approval.approvalId}`,
      ...delegatedLines(item.approval, '      '),
      ...(item.approval.judge ? [`      judge: ${item.approval.judge.model} escalated: ${item.approval.judge.reason}`] : []),
      `      input: ${compactJson(item.approval.input)}   ${c.dim(`requested ${item.approval.requestedAt}`)}`,
      `      who:   ${approversInWords(item.approval.approvers) ?? 'anyone'}   ${c.dim(deadlineInWords(item.approval.deadline))}`,
    );
  });
}

async function decideLoop(client: HarnessClient, rl: Interface, approver: string | undefined): Promise<void> {
  for (;;) {
    const items = await listPendingApprovals(client);
    printInbox(items);
    if (items.length === 0) return;
    const pick = (await rl.question(`Decide which? [1-${items.length}, Enter = refresh, q = quit] `)).trim();
    if (pick === 'q') return;
    const item = items[Number(pick) - 1];
    if (!item) continue;
    const action = (await rl.question('  (a)pprove, (r)eject, (e)dit, (s)kip? ')).trim().toLowerCase();
    const run = client.getRun(item.runId);
    const base = { approvalId: item.approval.approvalId, ...(approver !== undefined && { approver }) };
    try {
      if (action === 'a') out(...formatDecision((await run.approve(base))!, '  '));
      else if (action === 'r') {
        const reason = (await rl.question('  reason: ')).trim();
        out(...formatDecision((await run.reject({ ...base, ...(reason && { reason }) }))!, '  '));
      } else if (action === 'e') {
        const text = (await rl.question(`  new input (JSON) [${compactJson(item.approval.input)}]: `)).trim();
        const input = parseInput(text, item.approval.input);
        if (!input) continue;
        out(...formatDecision((await run.edit(input, base))!, '  '));
      }
    } catch (e) {
      if (!(e instanceof DecisionRejectedError)) throw e;
      out(c.red(`  refused [${e.code}]: ${e.message}`));
    }
  }
}

function parseInput(text: string, current: Record<string, unknown>): Record<string, unknown> | undefined {
  if (text === '') return current;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the message below
  }
  out(c.red('  not a JSON object; nothing was sent'));
  return undefined;
}

function loginName(): string | undefined {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}
