/** `harness answer`: answer an agent's pending `ask_human` question; the run goes on with it. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { contextFrom, withClient } from '../context.js';
import { formatAnswer, out } from '../output.js';

interface AnswerOptions {
  question?: string;
  by?: string;
}

// Like a decision: without a deadline an update to a run no worker serves would wait forever.
const ANSWER_TIMEOUT_MS = 20_000;

function loginName(): string | undefined {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return undefined;
  }
}

export function registerAnswer(program: Command): void {
  program
    .command('answer')
    .summary('answer a question the agent asked (ask_human)')
    .description(
      'Answers a pending `ask_human` question of a run: the answer becomes the tool result the model sees, ' +
        'and the run goes on. Sent as an update: an unknown question or an empty or oversized answer is an ' +
        'error here (exit code 1) and changes nothing.',
    )
    .argument('<run>', 'run id')
    .argument('<text>', 'the answer')
    .option('--question <id>', 'question id (default: the run’s only pending question)')
    .option('--by <name>', 'who answers, recorded with the answer (default: your login name)')
    .addHelpText(
      'after',
      `
Examples:
  $ harness answer run-1f0c… "Ship it to the Berlin office."
  $ harness answer run-1f0c… "Yes" --question call_2_0 --by ann`,
    )
    .action(async (runId: string, text: string, opts: AnswerOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const answeredBy = opts.by ?? loginName();
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        const record = await client.temporal.connection.withDeadline(Date.now() + ANSWER_TIMEOUT_MS, () =>
          run.answer(text, { ...(opts.question !== undefined && { questionId: opts.question }), ...(answeredBy !== undefined && { answeredBy }) }),
        );
        out(...formatAnswer(record, ''));
      });
    });
}
