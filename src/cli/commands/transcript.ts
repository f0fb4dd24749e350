/** `harness transcript`: a run's conversation page by page, and the full texts it keeps by reference. */
import type { Command } from 'commander';
import type { TranscriptMessage } from '../../client/index.js';
import { contextFrom, positiveInt, withClient } from '../context.js';
import { c, out } from '../output.js';

interface TranscriptCliOptions {
  offset?: number;
  limit?: number;
  full?: boolean;
  blob?: string;
  json?: boolean;
}

export function registerTranscript(program: Command): void {
  program
    .command('transcript')
    .summary("show a run's conversation (big contents by reference)")
    .description(
      "Prints a run's messages, following the transcript's pages (each reply is bounded). A tool result, message, " +
        'input or file over 8 KiB is kept by reference: it shows as a preview with its blob id; --full prints the whole ' +
        'texts instead, --blob <id> prints one of them alone. Works on finished runs too.',
    )
    .argument('<run>', 'run id')
    .option('--offset <n>', 'start at this message (0 = the first)', (v: string) => (v === '0' ? 0 : positiveInt('--offset')(v)))
    .option('--limit <n>', 'print at most this many messages', positiveInt('--limit'))
    .option('--full', 'resolve references: print whole texts, not previews')
    .option('--blob <blobId>', "print the full text of one of the run's references and nothing else")
    .option('--json', 'print the messages as JSON lines')
    .addHelpText(
      'after',
      `
Examples:
  $ harness transcript run-1f0c…
  $ harness transcript run-1f0c… --offset 20 --limit 10 --json
  $ harness transcript run-1f0c… --blob sha256-3f9a… > result.txt`,
    )
    .action(async (runId: string, opts: TranscriptCliOptions, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        if (opts.blob) return void process.stdout.write(await run.readContent(opts.blob));
        let shown = 0;
        let index = opts.offset ?? 0;
        for await (const m of run.messages(index)) {
          if (opts.limit !== undefined && shown >= opts.limit) break;
          const content = opts.full && m.contentRef ? await run.readContent(m.contentRef) : m.content;
          if (opts.json) out(JSON.stringify({ index, ...m, content }));
          else out(...formatMessage(index, m, content));
          shown++;
          index++;
        }
      });
    });
}

function formatMessage(index: number, m: TranscriptMessage, content: string): string[] {
  const who = m.role === 'tool' ? `tool ${m.toolName}${m.isError ? ' (error)' : ''}` : m.role;
  const ref = m.contentRef ? c.dim(` [${m.contentRef.size} bytes by reference: blob ${m.contentRef.blobId}]`) : '';
  const lines = [`${c.bold(`#${index} ${who}`)}${ref}`, content];
  if (m.role === 'assistant') for (const call of m.toolCalls) lines.push(c.dim(`→ ${call.name} ${JSON.stringify(call.args)} (${call.id})`));
  return lines;
}
