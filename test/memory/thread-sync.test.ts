import { describe, expect, it } from 'vitest';
import { FACTS_PROMPT, extractionPrompt, parseFacts, parseSummary, renderConversation, simpleFacts, simpleSummary } from '../../src/memory/thread-sync.js';
import { ThreadLedger } from '../../src/workflows/threads/thread-ledger.js';
import type { TranscriptMessage } from '../../src/workflows/shared/conversation.js';

const conversation: TranscriptMessage[] = [
  { role: 'user', content: 'Hi. I live in Lyon. Can you check order A-1?\nMy budget is 50 euros.' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup_order', args: { id: 'A-1' } }] },
  { role: 'tool', toolCallId: 'c1', toolName: 'lookup_order', content: 'shipped', isError: false },
  { role: 'assistant', content: 'It has shipped.', toolCalls: [] },
];

describe('thread memory sync extraction', () => {
  it('renders the conversation for the prompt, tool calls and results included', () => {
    expect(renderConversation(conversation)).toBe(
      'user: Hi. I live in Lyon. Can you check order A-1?\nMy budget is 50 euros.\nassistant: [called lookup_order]\ntool lookup_order: shipped\nassistant: It has shipped.',
    );
    expect(extractionPrompt('facts', conversation).startsWith(`${FACTS_PROMPT}\n\nConversation:\nuser: Hi.`)).toBe(true);
  });

  it('parses a model answer into facts: bullets and numbers removed, duplicates and NONE dropped', () => {
    expect(parseFacts('- Lives in Lyon\n2. Budget is 50 euros\n\n* Lives in Lyon\nNONE')).toEqual(['Lives in Lyon', 'Budget is 50 euros']);
    expect(parseFacts('NONE')).toEqual([]);
    expect(parseFacts(Array.from({ length: 30 }, (_, i) => `fact ${i}`).join('\n'))).toHaveLength(20);
    expect(parseSummary('  none. ')).toBeUndefined();
    expect(parseSummary(' A summary. ')).toBe('A summary.');
  });

  it('simple extraction keeps the user statements verbatim and leaves questions and short fragments out', () => {
    expect(simpleFacts(conversation)).toEqual(['I live in Lyon.', 'My budget is 50 euros.']);
    expect(simpleSummary('t1', conversation)).toBe(
      'In conversation t1 the user said: "Hi. I live in Lyon. Can you check order A-1?\nMy budget is 50 euros.". The assistant last answered: "It has shipped.".',
    );
    expect(simpleSummary('t1', [])).toBeUndefined();
  });

  it('the thread status shows each run’s memory sync outcome', () => {
    const thread = new ThreadLedger({ threadId: 't', onBusy: 'enqueue' });
    thread.submit({ runId: 'r1', agentId: 'a', input: 'hi' });
    thread.startNext();
    thread.complete('r1', [{ role: 'user', content: 'hi' }]);
    thread.recordMemorySync('r1', { mode: 'facts', written: 2 });
    expect(thread.status().runs[0]).toMatchObject({ runId: 'r1', state: 'completed', memory: { mode: 'facts', written: 2 } });
  });
});
