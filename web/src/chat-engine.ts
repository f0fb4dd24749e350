/**
 * The AI SDK's chat engine (`AbstractChat` from `ai`, the same engine `useChat` wraps for React)
 * with a plain state that tells the page when to redraw. It talks to `POST /api/chat` and
 * `GET /api/chat/{id}/stream` with the default transport, like any `useChat` app would.
 */
import {
  AbstractChat,
  DefaultChatTransport,
  lastAssistantMessageIsCompleteWithApprovalResponses,
  lastAssistantMessageIsCompleteWithToolCalls,
  type ChatState,
  type ChatStatus,
  type UIMessage,
} from 'ai';
import { authFetch, authHeaders } from './api.js';

class PageState implements ChatState<UIMessage> {
  private _status: ChatStatus = 'ready';
  private _error: Error | undefined;
  private _messages: UIMessage[] = [];
  constructor(private readonly changed: () => void) {}
  get status(): ChatStatus {
    return this._status;
  }
  set status(s: ChatStatus) {
    this._status = s;
    this.changed();
  }
  get error(): Error | undefined {
    return this._error;
  }
  set error(e: Error | undefined) {
    this._error = e;
    this.changed();
  }
  get messages(): UIMessage[] {
    return this._messages;
  }
  set messages(m: UIMessage[]) {
    this._messages = m;
    this.changed();
  }
  pushMessage = (m: UIMessage) => {
    this.messages = [...this._messages, m];
  };
  popMessage = () => {
    this.messages = this._messages.slice(0, -1);
  };
  replaceMessage = (i: number, m: UIMessage) => {
    this.messages = this._messages.map((old, j) => (j === i ? m : old));
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** What the page sends with every chat request besides the messages. */
export interface ChatExtras {
  /** The agent for new messages; empty = routed. */
  agentId: () => string;
  /** Replacement inputs for approvals approved with edits (by approval id). */
  edits: Map<string, Record<string, unknown>>;
}

/** A chat with the harness thread `id`; `changed` runs after every state change. */
export class PageChat extends AbstractChat<UIMessage> {
  constructor(id: string, extras: ChatExtras, changed: () => void, onFinish: () => void) {
    super({
      id,
      state: new PageState(changed),
      transport: new DefaultChatTransport({
        api: '/api/chat',
        fetch: authFetch,
        headers: authHeaders,
        body: () => {
          const agentId = extras.agentId().trim();
          const edits = Object.fromEntries(extras.edits);
          return { ...(agentId && { agentId }), ...(extras.edits.size > 0 && { edits }) };
        },
      }),
      // Approval responses go out as soon as every approval of the message has one; answers and
      // client tool results (addToolOutput) as soon as every call of the last step has its output.
      sendAutomaticallyWhen: (o) => lastAssistantMessageIsCompleteWithApprovalResponses(o) || lastAssistantMessageIsCompleteWithToolCalls(o),
      onFinish,
    });
  }

  /** The harness run behind the last assistant message (the `start` chunk's metadata). */
  get runId(): string | undefined {
    const last = this.messages.filter((m) => m.role === 'assistant').at(-1);
    return (last?.metadata as { runId?: string } | undefined)?.runId;
  }
}
