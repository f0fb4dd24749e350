/**
 * Example graph agents: LangGraph graphs the harness runs durably, with their interrupts turned
 * into approvals. Run them with examples/graph-agent/harness.yaml (see README.md next to this file).
 */
import { tool } from '@langchain/core/tools';
import { Annotation, END, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import { createAgent, humanInTheLoopMiddleware } from 'langchain';
import { z } from 'zod';
import { ScriptedChatModel } from '../../src/models/scripted-model.js';

/** What a plain `interrupt()` returns once a person decided it in the harness. */
interface Decision {
  type: 'approve' | 'reject' | 'edit';
  /** With `edit`: the value the person put in place of the interrupt's value. */
  value?: unknown;
  approver?: string;
  reason?: string;
}

const ExpenseState = Annotation.Root({
  ...MessagesAnnotation.spec,
  amount: Annotation<number>(),
  output: Annotation<string>(),
});

/**
 * An expense claim: read the amount from the message, ask a manager (who may approve, reject, or
 * edit the amount), then pay. Every step is checkpointed into the Temporal run.
 */
export const expenses = new StateGraph(ExpenseState)
  .addNode('read_claim', (s) => {
    const text = String(s.messages.at(-1)?.content ?? '');
    return { amount: Number(/(\d+(?:\.\d+)?)/.exec(text)?.[1] ?? 0) };
  })
  .addNode('manager_review', (s) => {
    const decision = interrupt({ question: `Approve an expense of ${s.amount} EUR?`, amount: s.amount }) as Decision;
    if (decision.type === 'reject') return { amount: 0, output: `Rejected by ${decision.approver ?? 'the manager'}: ${decision.reason ?? 'no reason given'}` };
    if (decision.type === 'edit') return { amount: (decision.value as { amount: number }).amount };
    return {};
  })
  .addNode('pay', (s) => (s.amount > 0 ? { output: `Paid ${s.amount} EUR.` } : {}))
  .addEdge(START, 'read_claim')
  .addEdge('read_claim', 'manager_review')
  .addEdge('manager_review', 'pay')
  .addEdge('pay', END);

const sendEmail = tool(async ({ to, subject }) => `sent "${subject}" to ${to}`, {
  name: 'send_email',
  description: 'Send an email.',
  schema: z.object({ to: z.string(), subject: z.string() }),
});

/**
 * A `createAgent` agent with the human-in-the-loop middleware: every send_email call waits for
 * approve / edit / reject in the harness. (A scripted model stands in for a real one, so the
 * example runs offline; use any LangChain chat model instead.)
 */
export const mailer = createAgent({
  model: new ScriptedChatModel('example-mailer', {
    provider: 'scripted',
    script: [
      {
        turns: [
          { toolCalls: [{ name: 'send_email', args: { to: 'ann@example.com', subject: 'Your refund' } }] },
          { text: 'Done: {{lastToolResult}}' },
        ],
      },
    ],
  }),
  tools: [sendEmail],
  middleware: [humanInTheLoopMiddleware({ interruptOn: { send_email: true } })],
});
