/**
 * What a `useChat` request to `POST /api/chat` asks for. The client posts the whole conversation
 * every turn; only two things in it are trusted: the last message when it is the user's (a new
 * message to the thread) and, in the last assistant message, the approval responses (decisions)
 * and the tool outputs the app added (`addToolOutput`: answers of `ask_human` questions and client
 * tools' results; the route keeps only those of calls the run waits for).
 * Earlier messages are the client's copy and are ignored: the thread holds the real history.
 */
import { z } from 'zod';
import { THREAD_ID_PATTERN } from '../../client/index.js';
import { HttpError } from '../errors.js';
import { MAX_INPUT_CHARS } from '../schemas.js';

const part = z.object({ type: z.string() }).passthrough();

/** Body of `POST /api/chat` (the AI SDK's default transport, plus `agentId` and `edits`). */
export const chatBody = z
  .object({
    id: z.string().regex(THREAD_ID_PATTERN, 'id (the chat id = the harness thread id) must be 1-128 letters, digits and _ . : -'),
    messages: z
      .array(z.object({ id: z.string().optional(), role: z.enum(['system', 'user', 'assistant']), parts: z.array(part).max(10_000) }).passthrough())
      .min(1, 'messages must hold at least the new user message')
      .max(10_000),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
    messageId: z.string().optional(),
    agentId: z.string().min(1).max(200).optional().describe('Agent of a new message; omitted = routed as for any run.'),
    edits: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe('Replacement tool input per approval id, for an approval response that approves with edits.'),
  })
  .passthrough();
export type ChatBody = z.infer<typeof chatBody>;

/** One approval response of the last assistant message. */
export interface ApprovalResponse {
  approvalId: string;
  approved: boolean;
  reason?: string;
}

/** A tool output of the last assistant message: maybe an answer or a client tool's result. */
export type ToolOutput = { toolCallId: string; toolName: string } & ({ output: unknown } | { errorText: string });

/** A new user message, or decisions and tool outputs for the parked run. */
export type ChatTurn = { kind: 'message'; text: string } | { kind: 'approvals'; responses: ApprovalResponse[]; outputs: ToolOutput[] };

/**
 * @throws {HttpError} 400 `INVALID_CHAT_REQUEST` for a regenerate, an empty user message, or a
 * last message that is neither a user message nor an assistant message with approval responses.
 */
export function chatTurn(body: ChatBody): ChatTurn {
  if (body.trigger === 'regenerate-message') {
    throw new HttpError(400, 'INVALID_CHAT_REQUEST', 'Regenerating a message is not supported: a run cannot be undone; send a new message instead.');
  }
  const last = body.messages.at(-1)!;
  if (last.role === 'user') {
    const text = last.parts
      .filter((p) => p.type === 'text')
      .map((p) => (typeof p.text === 'string' ? p.text : ''))
      .join('');
    if (!/\S/.test(text)) throw new HttpError(400, 'INVALID_CHAT_REQUEST', 'The last user message has no text; send a message with a text part.');
    if (text.length > MAX_INPUT_CHARS) throw new HttpError(400, 'INVALID_CHAT_REQUEST', `The message is over ${MAX_INPUT_CHARS} characters.`);
    return { kind: 'message', text };
  }
  const responses = last.parts.flatMap((p): ApprovalResponse[] => {
    const approval = p.approval as { id?: unknown; approved?: unknown; reason?: unknown } | undefined;
    if (p.state !== 'approval-responded' || typeof approval?.id !== 'string' || typeof approval.approved !== 'boolean') return [];
    return [{ approvalId: approval.id, approved: approval.approved, ...(typeof approval.reason === 'string' && { reason: approval.reason.slice(0, 4000) }) }];
  });
  const outputs = last.parts.flatMap(toolOutputOf);
  if (last.role !== 'assistant' || (responses.length === 0 && outputs.length === 0)) {
    throw new HttpError(
      400,
      'INVALID_CHAT_REQUEST',
      'The last message must be a new user message, or the assistant message with approval responses (addToolApprovalResponse) or tool outputs (addToolOutput).',
    );
  }
  return { kind: 'approvals', responses, outputs };
}

/** The output a tool part carries (`output-available` or `output-error`), if any. */
function toolOutputOf(p: z.infer<typeof part>): ToolOutput[] {
  const isTool = p.type.startsWith('tool-') || p.type === 'dynamic-tool';
  if (!isTool || typeof p.toolCallId !== 'string') return [];
  const toolName = p.type === 'dynamic-tool' ? String(p.toolName ?? '') : p.type.slice('tool-'.length);
  if (p.state === 'output-available' && p.output !== undefined) return [{ toolCallId: p.toolCallId, toolName, output: p.output }];
  if (p.state === 'output-error' && typeof p.errorText === 'string') return [{ toolCallId: p.toolCallId, toolName, errorText: p.errorText.slice(0, 4000) }];
  return [];
}
