/**
 * An AG-UI client of `harness serve` (`@ag-ui/client`'s HttpAgent, what CopilotKit and other
 * AG-UI frontends build on): sends a message to an agent on a new thread, prints the text as it
 * streams and each tool call, and answers each approval interrupt from the terminal (or, with
 * --approve, approves everything), resuming until the run finishes.
 *
 *   npx harness dev                                              # terminal 1: server + worker
 *   npx harness serve                                            # terminal 2: the HTTP API
 *   npx tsx examples/frontends/ag-ui-client.ts "Please refund order A-1001"   # terminal 3
 *
 * Options: --url (default http://127.0.0.1:8787), --agent (default support), --approve,
 * --token (or HARNESS_API_TOKEN) when the server has HARNESS_API_TOKENS.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpAgent, type Interrupt, type ResumeEntry } from '@ag-ui/client';

/** How an interrupt is answered: the payload its `responseSchema` describes. */
export type Answer = { decision: 'approve' | 'reject' | 'edit'; input?: Record<string, unknown>; reason?: string };

/** Runs `input` on a new thread of `agentId`, answering interrupts with `decide`; returns the final text. */
export async function chatOnce(options: {
  url: string;
  agentId: string;
  input: string;
  decide: (interrupt: Interrupt) => Promise<Answer>;
  token?: string;
  write?: (text: string) => void;
}): Promise<string> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const agent = new HttpAgent({
    url: `${options.url}/ag-ui`,
    threadId: `ag-ui-${randomUUID()}`,
    ...(options.token && { headers: { Authorization: `Bearer ${options.token}` } }),
  });
  agent.addMessage({ id: randomUUID(), role: 'user', content: options.input });
  let final = '';
  const subscriber = {
    onTextMessageStartEvent: () => void (final = ''),
    onTextMessageContentEvent: ({ event }: { event: { delta: string } }) => {
      final += event.delta;
      write(event.delta);
    },
    onTextMessageEndEvent: () => write('\n'),
    onToolCallEndEvent: ({ toolCallName, toolCallArgs }: { toolCallName: string; toolCallArgs: Record<string, unknown> }) =>
      write(`[tool ${toolCallName} ${JSON.stringify(toolCallArgs)}]\n`),
    onToolCallResultEvent: ({ event }: { event: { content: unknown } }) => write(`[result ${String(event.content)}]\n`),
    onRunErrorEvent: ({ event }: { event: { message: string } }) => write(`[error ${event.message}]\n`),
  };
  await agent.runAgent({ forwardedProps: { agentId: options.agentId } }, subscriber);
  // Each AG-UI run that ends on an interrupt is answered by the next run's `resume`.
  while (agent.pendingInterrupts.length > 0) {
    const resume: ResumeEntry[] = [];
    for (const interrupt of agent.pendingInterrupts) {
      resume.push({ interruptId: interrupt.id, status: 'resolved', payload: await options.decide(interrupt) });
    }
    await agent.runAgent({ resume }, subscriber);
  }
  return final;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string', default: 'http://127.0.0.1:8787' }, agent: { type: 'string', default: 'support' }, approve: { type: 'boolean' }, token: { type: 'string' } },
  });
  const input = positionals.join(' ') || 'Please refund order A-1001';
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    await chatOnce({
      url: values.url!,
      agentId: values.agent!,
      input,
      ...((values.token ?? process.env.HARNESS_API_TOKEN) && { token: values.token ?? process.env.HARNESS_API_TOKEN }),
      decide: async (interrupt) => {
        console.log(`\napproval needed: ${interrupt.message ?? interrupt.id}`);
        if (values.approve) return { decision: 'approve' };
        const answer = (await rl.question('approve? [y/n] ')).trim().toLowerCase();
        return answer.startsWith('y') ? { decision: 'approve' } : { decision: 'reject', reason: (await rl.question('why? ')) || 'rejected' };
      },
    });
  } finally {
    rl.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
