/**
 * The anthropic, google, ollama and bedrock providers as built by createChatModel, each against a
 * local stub speaking that provider's real wire format: a streamed answer with text and one tool
 * call, token usage, the key on the wire (and only there), and how each provider's HTTP errors are
 * classified (retry or fail fast with a hint naming the env var).
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatModel } from '../../src/models/create-chat-model.js';
import { ModelConfigError } from '../../src/models/errors.js';
import { classifyModelError } from '../../src/models/model-errors.js';
import { credentialEnvVars } from '../../src/models/providers/credentials.js';
import { importProvider } from '../../src/models/providers/load-package.js';
import { modelSchema, type ModelConfig } from '../../src/workspace/schema.js';
import { assistantTurns, startProviderStub, type ProviderStub, type StubProvider, type StubRequest, type StubTurn } from '../support/provider-stubs/server.js';

const KEY = 'stub-key-3f9c2a71';
const SECRET = 'stub-secret-8d41e0b6';
const ENV = { STUB_KEY: KEY, STUB_AKID: 'AKIDSTUB0001', STUB_SECRET: SECRET };

interface Case {
  provider: StubProvider;
  config: (baseUrl: string) => Record<string, unknown>;
  /** Where the streamed request goes. */
  path: string;
  /** How the key reached the stub. */
  assertKey: (req: StubRequest) => void;
  /** The tool definitions, as the provider's request carries them. */
  toolNames: (req: StubRequest) => string[];
  keyEnv: string[];
  /** Output tokens the model reports for a stream whose final count is 7. */
  outputTokens?: number;
}

const CASES: Case[] = [
  {
    provider: 'anthropic',
    config: (baseUrl) => ({ provider: 'anthropic', model: 'claude-stub', baseUrl, apiKeyEnv: 'STUB_KEY' }),
    path: '/v1/messages',
    assertKey: (req) => expect(req.headers['x-api-key']).toBe(KEY),
    toolNames: (req) => req.body.tools.map((t: { name: string }) => t.name),
    keyEnv: ['STUB_KEY'],
    // Like the real API, message_start carries output_tokens: 1 and message_delta the final 7;
    // @langchain/anthropic adds the two, so a streamed Anthropic answer counts one token more.
    outputTokens: 8,
  },
  {
    provider: 'google',
    config: (baseUrl) => ({ provider: 'google', model: 'gemini-stub', baseUrl, apiKeyEnv: 'STUB_KEY' }),
    path: '/v1beta/models/gemini-stub:streamGenerateContent',
    assertKey: (req) => {
      expect(req.headers['x-goog-api-key']).toBe(KEY);
      expect(req.query).not.toContain(KEY); // a key in the URL could end up in an error message
    },
    toolNames: (req) => req.body.tools.flatMap((t: { functionDeclarations: Array<{ name: string }> }) => t.functionDeclarations.map((f) => f.name)),
    keyEnv: ['STUB_KEY'],
  },
  {
    provider: 'ollama',
    config: (baseUrl) => ({ provider: 'ollama', model: 'llama-stub', baseUrl, apiKeyEnv: 'STUB_KEY' }),
    path: '/api/chat',
    assertKey: (req) => expect(req.headers.authorization).toBe(`Bearer ${KEY}`),
    toolNames: (req) => req.body.tools.map((t: { function: { name: string } }) => t.function.name),
    keyEnv: ['STUB_KEY'],
  },
  {
    provider: 'bedrock',
    config: (baseUrl) => ({ provider: 'bedrock', model: 'anthropic.claude-stub', baseUrl, region: 'us-east-1', accessKeyIdEnv: 'STUB_AKID', secretAccessKeyEnv: 'STUB_SECRET' }),
    path: '/model/anthropic.claude-stub/converse-stream',
    assertKey: (req) => {
      // SigV4: the access key id is in the signature's scope; the secret never travels.
      expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTUB0001\/\d{8}\/us-east-1\/bedrock\/aws4_request, /);
      expect(JSON.stringify(req.headers)).not.toContain(SECRET);
    },
    toolNames: (req) => req.body.toolConfig.tools.map((t: { toolSpec: { name: string } }) => t.toolSpec.name),
    keyEnv: ['STUB_AKID', 'STUB_SECRET'],
  },
];

const lookup = tool(async ({ order }) => `order ${order}`, {
  name: 'lookup',
  description: 'Look up an order.',
  schema: z.object({ order: z.string() }),
});

let stub: ProviderStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function configOf(c: Case, baseUrl: string): ModelConfig {
  return modelSchema.parse(c.config(baseUrl));
}

async function streamOnce(c: Case, answer: StubTurn | { error: { status: number; message: string } }) {
  stub = await startProviderStub(c.provider, () => answer);
  const model = await createChatModel('m', configOf(c, stub.baseUrl), ENV);
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of await model.bindTools!([lookup]).stream([new SystemMessage('You look up orders.'), new HumanMessage('Where is A-1?')])) {
    chunks.push(chunk);
  }
  return chunks;
}

async function errorOf(c: Case, status: number, message: string): Promise<unknown> {
  return streamOnce(c, { error: { status, message } }).then(
    () => expect.unreachable('expected the call to fail'),
    (err: unknown) => err,
  );
}

describe.each(CASES)('provider $provider against its wire-format stub', (c) => {
  it('streams text deltas, then one tool call, with usage; sends the prompt, the tools and the key', async () => {
    const chunks = await streamOnce(c, {
      text: 'Let me look that up.',
      toolCall: { id: 'toolu_01', name: 'lookup', args: { order: 'A-1' } },
      usage: { input: 21, output: 7 },
    });
    const message = chunks.reduce((a, b) => a.concat(b));
    expect(chunks.filter((ch) => typeof ch.content === 'string' ? ch.content : ch.text).length).toBeGreaterThan(1);
    expect(message.text).toBe('Let me look that up.');
    expect(message.tool_calls).toHaveLength(1);
    expect(message.tool_calls![0]).toMatchObject({ name: 'lookup', args: { order: 'A-1' } });
    expect(message.tool_calls![0]!.id).toBeTruthy();
    const output = c.outputTokens ?? 7;
    expect(message.usage_metadata).toMatchObject({ input_tokens: 21, output_tokens: output, total_tokens: 21 + output });

    expect(stub!.requests).toHaveLength(1);
    const [req] = stub!.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(c.path);
    c.assertKey(req!);
    expect(c.toolNames(req!)).toEqual(['lookup']);
    expect(JSON.stringify(req!.body)).toContain('You look up orders.');
    expect(JSON.stringify(req!.body)).toContain('Where is A-1?');
  });

  it('sends an earlier tool call and its result back as the provider expects (as a run rebuilds them from its transcript)', async () => {
    stub = await startProviderStub(c.provider, () => ({ text: 'A-1 has shipped.', usage: { input: 30, output: 4 } }));
    const model = await createChatModel('m', configOf(c, stub.baseUrl), ENV);
    // Streamed, as the harness always calls a model.
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.bindTools!([lookup]).stream([
      new HumanMessage('Where is A-1?'),
      new AIMessage({ content: '', tool_calls: [{ id: 'toolu_01', name: 'lookup', args: { order: 'A-1' }, type: 'tool_call' }] }),
      new ToolMessage({ content: 'order A-1 shipped', tool_call_id: 'toolu_01', name: 'lookup' }),
    ])) {
      chunks.push(chunk);
    }
    expect(chunks.reduce((a, b) => a.concat(b)).text).toBe('A-1 has shipped.');
    const [req] = stub.requests;
    expect(assistantTurns(c.provider, req!)).toBe(1);
    const body = JSON.stringify(req!.body);
    expect(body.indexOf('"lookup"')).toBeLessThan(body.indexOf('order A-1 shipped'));
    expect(body).toContain('{"order":"A-1"}');
  });

  it.each([
    [429, true, 'MODEL_RATE_LIMITED'],
    [500, true, 'MODEL_SERVER_ERROR'],
    [401, false, 'MODEL_AUTH'],
    [403, false, 'MODEL_AUTH'],
    [400, false, 'MODEL_BAD_REQUEST'],
    [404, false, 'MODEL_BAD_REQUEST'],
  ] as const)('HTTP %i from the endpoint → retryable %s, %s', async (status, retryable, type) => {
    const err = await errorOf(c, status, `stub says ${status}`);
    const classified = classifyModelError('m', err, credentialEnvVars(configOf(c, stub!.baseUrl)));
    expect(classified).toMatchObject({ retryable, type });
    expect(classified.message).toContain(`stub says ${status}`);
    if (type === 'MODEL_AUTH') for (const name of c.keyEnv) expect(classified.message).toContain(name);
    expect(classified.message).not.toContain(KEY);
    expect(stub!.requests).toHaveLength(1); // the provider's client does not retry on its own
  });

  it('refuses to build without its credential env var, naming it, before any request', async () => {
    stub = await startProviderStub(c.provider, () => expect.unreachable('no request expected'));
    const err = await createChatModel('m', configOf(c, stub.baseUrl), {}).then(
      () => expect.unreachable('expected a ModelConfigError'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as Error).message).toContain(`environment variable ${c.keyEnv[0]}, which is not set on this worker`);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('provider setup', () => {
  it('bedrock without a region says where to set one', async () => {
    const config = modelSchema.parse({ provider: 'bedrock', model: 'anthropic.claude-stub' });
    await expect(createChatModel('m', config, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).rejects.toThrow(
      'Model "m" (bedrock) has no AWS region: set `region` on the model in the workspace file, or AWS_REGION where the worker runs.',
    );
  });

  it('bedrock defaults to the AWS_* variables and never falls back to the AWS credential chain', async () => {
    const config = modelSchema.parse({ provider: 'bedrock', model: 'anthropic.claude-stub', region: 'eu-west-1' });
    // A profile or a metadata endpoint would be the chain's next stops: the model must not get that far.
    await expect(createChatModel('m', config, { AWS_PROFILE: 'default' })).rejects.toThrow(
      'reads its AWS access key id from the environment variable AWS_ACCESS_KEY_ID, which is not set on this worker',
    );
  });

  it('a provider package that is not installed fails with the package to install', async () => {
    const pkg = '@langchain/not-installed-provider';
    const err = await importProvider('claude', 'anthropic', pkg, () => import(/* @vite-ignore */ pkg)).then(
      () => expect.unreachable('expected a ModelConfigError'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as Error).message).toBe(
      `Model "claude" uses provider "anthropic", which needs the package ${pkg}; it is not installed where this worker runs. Install it next to temporal-harness (npm install ${pkg}) and restart the worker.`,
    );
  });

  it('lists every provider when the workspace names an unknown one', () => {
    const result = modelSchema.safeParse({ provider: 'mistral', model: 'x' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe('expected `provider` to be one of: scripted, openai, anthropic, google, ollama, bedrock');
  });
});
