/**
 * The `openai` provider as built by createChatModel, against the local OpenAI stub: what goes on
 * the wire, what comes back (tool calls, usage), streaming, and how HTTP errors are classified.
 * No Temporal here; the integration file runs the same provider inside a real run.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatModel } from '../../src/models/create-chat-model.js';
import { ModelConfigError } from '../../src/models/errors.js';
import { classifyModelError } from '../../src/models/model-errors.js';
import { openaiModelSchema, type OpenAIModelConfig } from '../../src/workspace/schema.js';
import { always, inSequence, reply, startOpenAIStub, type OpenAIStub, type StubHandler } from '../support/openai-stub.js';

const KEY = 'sk-unit-test-key';
const ENV = { STUB_OPENAI_KEY: KEY };

const lookup = tool(async ({ order }) => `order ${order}`, {
  name: 'lookup_order',
  description: 'Look up an order by id.',
  schema: z.object({ order: z.string() }),
});

let stub: OpenAIStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function modelWith(handler: StubHandler, overrides: Partial<OpenAIModelConfig> = {}) {
  stub = await startOpenAIStub(handler);
  const config = openaiModelSchema.parse({
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: stub.baseUrl,
    apiKeyEnv: 'STUB_OPENAI_KEY',
    ...overrides,
  });
  return createChatModel('gpt', config, ENV);
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (err: unknown) => err,
  );
}

describe('openai provider over the wire (stub server)', () => {
  it('sends key, model, settings, system prompt and tool schemas; parses a tool call and usage', async () => {
    const model = await modelWith(
      always(reply.toolCall('lookup_order', { order: 'A-1' }, { id: 'call_abc', usage: { prompt_tokens: 42, completion_tokens: 7 } })),
      { temperature: 0.2, maxTokens: 64 },
    );
    const answer = (await model.bindTools!([lookup]).invoke([
      new SystemMessage('Be brief.'),
      new HumanMessage('Where is A-1?'),
    ])) as AIMessage;

    expect(answer.tool_calls).toEqual([{ id: 'call_abc', name: 'lookup_order', args: { order: 'A-1' }, type: 'tool_call' }]);
    expect(answer.usage_metadata).toMatchObject({ input_tokens: 42, output_tokens: 7, total_tokens: 49 });
    expect(answer.response_metadata.finish_reason).toBe('tool_calls');

    expect(stub!.requests).toHaveLength(1);
    const [request] = stub!.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 64, stream: false });
    expect(request!.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Where is A-1?' },
    ]);
    expect(request!.body.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({
          name: 'lookup_order',
          description: 'Look up an order by id.',
          parameters: expect.objectContaining({ type: 'object', properties: { order: { type: 'string' } }, required: ['order'] }),
        }),
      },
    ]);
  });

  it('sends the assistant tool call and the tool result back in OpenAI form', async () => {
    const model = await modelWith(always(reply.text('It shipped.')));
    const answer = await model.invoke([
      new HumanMessage('Where is A-1?'),
      new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'lookup_order', args: { order: 'A-1' }, type: 'tool_call' }] }),
      new ToolMessage({ content: 'shipped', tool_call_id: 'call_1', name: 'lookup_order' }),
    ]);
    expect(answer.content).toBe('It shipped.');
    expect(stub!.requests[0]!.body.messages.slice(1)).toEqual([
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":"A-1"}' } }],
      }),
      expect.objectContaining({ role: 'tool', tool_call_id: 'call_1', content: 'shipped' }),
    ]);
  });

  it('streams SSE chunks: text, tool call fragments and the usage chunk add up to the same answer', async () => {
    const model = await modelWith(
      always(reply.completion({ text: 'Looking it up.', toolCalls: [{ id: 'call_s', name: 'lookup_order', arguments: { order: 'B-22' } }], usage: { prompt_tokens: 30, completion_tokens: 12 } })),
    );
    let merged: AIMessageChunk | undefined;
    let chunks = 0;
    for await (const chunk of await model.bindTools!([lookup]).stream([new HumanMessage('Where is B-22?')])) {
      merged = merged ? merged.concat(chunk) : chunk;
      chunks += 1;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(merged!.content).toBe('Looking it up.');
    expect(merged!.tool_calls).toEqual([{ id: 'call_s', name: 'lookup_order', args: { order: 'B-22' }, type: 'tool_call' }]);
    expect(merged!.usage_metadata).toMatchObject({ input_tokens: 30, output_tokens: 12, total_tokens: 42 });
    expect(stub!.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('makes exactly one HTTP attempt per call (maxRetries 0: Temporal owns retries)', async () => {
    const model = await modelWith(inSequence([reply.error(500, 'boom'), reply.text('second')]));
    const err = await errorOf(model.invoke([new HumanMessage('hi')]));
    expect((err as { status?: number }).status).toBe(500);
    expect(stub!.requests).toHaveLength(1);
  });

  it.each([
    [429, 'MODEL_RATE_LIMITED', true, 'Rate limit reached for gpt-4o-mini.'],
    [500, 'MODEL_SERVER_ERROR', true, 'The server had an error.'],
    [503, 'MODEL_SERVER_ERROR', true, 'The engine is currently overloaded.'],
    [401, 'MODEL_AUTH', false, 'Incorrect API key provided.'],
    [403, 'MODEL_AUTH', false, 'Project does not have access.'],
    [400, 'MODEL_BAD_REQUEST', false, "Invalid value for 'temperature'."],
    [404, 'MODEL_BAD_REQUEST', false, 'The model `gpt-nope` does not exist.'],
  ] as const)('HTTP %i from the server is classified %s (retryable: %s)', async (status, type, retryable, message) => {
    const model = await modelWith(always(reply.error(status, message)));
    const err = await errorOf(model.invoke([new HumanMessage('hi')]));
    const c = classifyModelError('gpt', err);
    expect(c).toMatchObject({ type, retryable });
    expect(c.message).toContain(`HTTP ${status}`);
    expect(c.message).toContain(message);
    // LangChain's troubleshooting link is dropped so the hint ends the message.
    expect(c.message).not.toContain('Troubleshooting URL');
  });

  it('a context-window overflow (HTTP 400 context_length_exceeded) is final, not retried', async () => {
    const model = await modelWith(
      always(reply.error(400, 'Input tokens exceed the configured limit of 272000 tokens.', { code: 'context_length_exceeded', param: 'input' })),
    );
    const err = await errorOf(model.invoke([new HumanMessage('hi')]));
    // @langchain/openai rewraps this one as a ContextOverflowError without an HTTP status.
    expect((err as Error).name).toBe('ContextOverflowError');
    expect(classifyModelError('gpt', err)).toMatchObject({ retryable: false, type: 'MODEL_BAD_REQUEST' });
  });

  it('a refused connection has no status and is retryable', async () => {
    const model = await modelWith(always(reply.text('unused')));
    await stub!.close();
    const err = await errorOf(model.invoke([new HumanMessage('hi')]));
    expect(classifyModelError('gpt', err)).toMatchObject({ retryable: true, type: 'MODEL_UNAVAILABLE' });
  });

  it('refuses to build without the API-key env var and names it', async () => {
    const config = openaiModelSchema.parse({ provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'NOT_SET_ANYWHERE_KEY' });
    const err = await errorOf(createChatModel('gpt', config, {}));
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as ModelConfigError).code).toBe('MODEL_CONFIG');
    expect((err as Error).message).toContain('NOT_SET_ANYWHERE_KEY');
  });
});
