/**
 * What a `POST /ag-ui` request (AG-UI 1.0 `RunAgentInput`, as `@ag-ui/client`'s HttpAgent sends
 * it) asks for. Like `useChat`, an AG-UI client posts the whole conversation every run; only
 * these things in it are trusted: the last message when it is the user's (a new message to the
 * thread), or the `resume` entries answering the interrupts of the previous run (decisions on
 * approvals, answers to `ask_human` questions) and the `tool` messages carrying the results of
 * frontend tool calls (client tools; the route keeps those of calls the run waits for). Earlier
 * messages are the client's copy and are ignored: the thread holds the real history.
 */
import { QUESTION_LIMITS } from '../../workflows/run/contract.js';
import { z } from 'zod';
import { THREAD_ID_PATTERN } from '../../client/index.js';
import { HttpError } from '../errors.js';
import { MAX_INPUT_CHARS } from '../schemas.js';

const MAX_REASON_CHARS = 4_000;

/** The answer to one approval interrupt (`resume[].payload`); also published as its `responseSchema`. */
export const resumePayload = z
  .object({
    decision: z.enum(['approve', 'reject', 'edit']),
    input: z.record(z.string(), z.unknown()).optional().describe('The replacement tool input, for decision "edit".'),
    reason: z.string().max(MAX_REASON_CHARS).optional(),
  })
  .strict()
  .refine((p) => (p.decision === 'edit') === (p.input !== undefined), {
    message: 'payload.input is required with decision "edit" and not allowed otherwise',
    path: ['input'],
  });
export type ResumePayload = z.infer<typeof resumePayload>;

/** The answer to one `ask_human` interrupt (`resume[].payload`); also published as its `responseSchema`. */
export const answerPayload = z.object({ answer: z.string().min(1).max(QUESTION_LIMITS.answerChars) }).strict();

/** The `responseSchema` of a question's interrupt. */
export const ANSWER_RESPONSE_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { answer: { type: 'string', minLength: 1, maxLength: QUESTION_LIMITS.answerChars, description: 'The answer the agent gets.' } },
  required: ['answer'],
  additionalProperties: false,
};

const resumeEntry = z
  .object({
    interruptId: z.string().min(1).max(512).describe('The approval id (the interrupt id of the previous RUN_FINISHED).'),
    status: z.enum(['resolved', 'cancelled']),
    payload: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

const message = z.object({ id: z.string().optional(), role: z.string(), content: z.unknown().optional() }).passthrough();

/** Body of `POST /ag-ui`: AG-UI `RunAgentInput` (with `forwardedProps.agentId` naming the agent). */
export const agUiBody = z
  .object({
    threadId: z.string().regex(THREAD_ID_PATTERN, 'threadId (= the harness thread id) must be 1-128 letters, digits and _ . : -'),
    runId: z.string().min(1).max(512),
    messages: z.array(message).max(10_000),
    forwardedProps: z
      .object({ agentId: z.string().min(1).max(200).optional().describe('Agent of a new message; omitted = routed as for any run.') })
      .passthrough()
      .optional(),
    resume: z.array(resumeEntry).max(100).optional(),
  })
  .passthrough();
export type AgUiBody = z.infer<typeof agUiBody>;

/** One decision a resume entry asks for. */
export interface ResumeDecision {
  approvalId: string;
  decision: 'approve' | 'reject' | 'edit';
  input?: Record<string, unknown>;
  reason?: string;
  /** The entry's status was `cancelled` (for a question's interrupt: declined, see the route). */
  cancelled?: true;
}

/** An `ask_human` answer a resume entry gives (payload `{ answer }`). */
export interface ResumeAnswer {
  questionId: string;
  answer: string;
}

/** A `tool` message: maybe the result of a frontend (client) tool call. */
export interface ToolMessage {
  toolCallId: string;
  content: string;
}

/** A new user message, or decisions, answers and tool results for the thread's parked run. */
export type AgUiTurn =
  | { kind: 'message'; text: string }
  | { kind: 'resume'; decisions: ResumeDecision[]; answers: ResumeAnswer[]; toolResults: ToolMessage[] };

/**
 * @throws {HttpError} 400 `INVALID_AG_UI_REQUEST` for a resume payload that is not a decision, or
 * no resume and no new user message with text.
 */
export function agUiTurn(body: AgUiBody): AgUiTurn {
  const toolResults = toolMessagesOf(body);
  const lastIsTool = body.messages.at(-1)?.role === 'tool';
  if (body.resume?.length || (lastIsTool && toolResults.length > 0)) {
    const decisions: ResumeDecision[] = [];
    const answers: ResumeAnswer[] = [];
    (body.resume ?? []).forEach((entry, i) => {
      if (entry.status === 'cancelled') {
        decisions.push({ approvalId: entry.interruptId, decision: 'reject', reason: 'cancelled by the client (AG-UI resume status "cancelled")', cancelled: true });
        return;
      }
      const answer = answerPayload.safeParse(entry.payload);
      if (answer.success) {
        answers.push({ questionId: entry.interruptId, answer: answer.data.answer });
        return;
      }
      decisions.push(decisionOf(entry.interruptId, entry.payload, i));
    });
    return { kind: 'resume', decisions, answers, toolResults };
  }
  const last = body.messages.at(-1);
  const text = last?.role === 'user' ? textOf(last.content) : '';
  if (!/\S/.test(text)) {
    throw new HttpError(
      400,
      'INVALID_AG_UI_REQUEST',
      'Send either resume entries answering the pending interrupts, tool messages with the results of frontend tool calls, or a last message from the user with text.',
    );
  }
  if (text.length > MAX_INPUT_CHARS) throw new HttpError(400, 'INVALID_AG_UI_REQUEST', `The message is over ${MAX_INPUT_CHARS} characters.`);
  return { kind: 'message', text };
}

/** The decision of a resolved resume entry that is not an answer. */
function decisionOf(interruptId: string, payload: unknown, i: number): ResumeDecision {
  const parsed = resumePayload.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${['payload', ...issue.path].join('.')}: ${issue.message}`).join('; ');
    throw new HttpError(
      400,
      'INVALID_AG_UI_REQUEST',
      `resume[${i}] (interrupt ${interruptId}) must carry a payload {decision: "approve" | "reject" | "edit", input?, reason?} for an approval, ` +
        `or {answer: "…"} for a question (its responseSchema): ${problems}`,
    );
  }
  const { decision, input, reason } = parsed.data;
  return { approvalId: interruptId, decision, ...(input && { input }), ...(reason !== undefined && { reason }) };
}

/** The `tool` messages of the request (AG-UI `ToolMessage`: `toolCallId`, string `content`). */
function toolMessagesOf(body: AgUiBody): ToolMessage[] {
  return body.messages.flatMap((m) =>
    m.role === 'tool' && typeof m.toolCallId === 'string' && typeof m.content === 'string' ? [{ toolCallId: m.toolCallId, content: m.content }] : [],
  );
}

/** A user message's text: AG-UI content is a string or a list of parts (text parts are kept). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: { type?: unknown; text?: unknown }) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** The JSON Schema of a resume payload, for the interrupts' `responseSchema`. */
export function responseSchemaFor(allowed: readonly ('approve' | 'reject' | 'edit')[] = ['approve', 'reject', 'edit']): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      decision: { enum: [...allowed], description: 'approve runs the tool as asked; edit runs it with `input`; reject skips it.' },
      input: { type: 'object', description: 'The replacement tool input (decision "edit" only); checked against the tool schema.' },
      reason: { type: 'string', maxLength: MAX_REASON_CHARS, description: 'Why, recorded with the decision.' },
    },
    required: ['decision'],
    additionalProperties: false,
  };
}
