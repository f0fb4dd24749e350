/**
 * The AI SDK chat engine (`AbstractChat` from `ai` 6, the engine under `useChat`) with the plain
 * state a framework binding would keep, for tests that drive `POST /api/chat` as an app would.
 */
import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';

/** The plain state a framework binding (React, Vue…) would keep; every assistant version is recorded. */
export class RecordingChatState implements ChatState<UIMessage> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: UIMessage[] = [];
  /** Each version of the assistant message as chunks arrived. */
  readonly versions: UIMessage[] = [];
  pushMessage = (m: UIMessage) => {
    this.messages = [...this.messages, m];
  };
  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (i: number, m: UIMessage) => {
    this.messages = this.messages.map((old, j) => (j === i ? m : old));
    if (m.role === 'assistant') this.versions.push(structuredClone(m));
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** A chat whose responses can be awaited one by one (also those sent automatically). */
export class RecordingChat extends AbstractChat<UIMessage> {
  readonly recorded: RecordingChatState;
  private finishes: (() => void)[] = [];
  constructor(init: Omit<ChatInit<UIMessage>, 'onFinish'>) {
    const state = new RecordingChatState();
    super({ ...init, state, onFinish: () => this.finishes.splice(0).forEach((f) => f()) });
    this.recorded = state;
  }
  /** Resolves when the next response has finished. */
  nextFinish(): Promise<void> {
    return new Promise((resolve) => this.finishes.push(resolve));
  }
  /** The last assistant message. */
  get assistant(): UIMessage {
    return this.recorded.messages.filter((m) => m.role === 'assistant').at(-1)!;
  }
}

/** A tool part of a message, as the tests read it. */
export type ToolPartOf = Extract<UIMessage['parts'][number], { type: `tool-${string}` }>;

/** The part of tool `name` in `m` (undefined when there is none). */
export const toolPartOf = (m: UIMessage, name: string): ToolPartOf | undefined => m.parts.find((p): p is ToolPartOf => p.type === `tool-${name}`);

/** The text parts of `m`. */
export const textsOf = (m: UIMessage): string[] => m.parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
