/** Gemini API `streamGenerateContent?alt=sse`: `data:` lines of GenerateContentResponse JSON. */
import type { ServerResponse } from 'node:http';
import { isStubError, pieces, type StubAnswer } from './server.js';

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export function writeGemini(res: ServerResponse, answer: StubAnswer): void {
  if (isStubError(answer)) {
    const { status, message } = answer.error;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ error: { code: status, message, status: STATUS[status] ?? 'UNKNOWN' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (parts: object[], last: boolean) => {
    const candidate = { content: { parts, role: 'model' }, index: 0, ...(last && { finishReason: 'STOP' }) };
    const chunk = {
      candidates: [candidate],
      ...(last && { usageMetadata: { promptTokenCount: answer.usage.input, candidatesTokenCount: answer.usage.output, totalTokenCount: answer.usage.input + answer.usage.output } }),
      modelVersion: 'gemini-stub',
      responseId: 'resp_stub',
    };
    res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  };
  const texts = answer.text === undefined ? [] : pieces(answer.text);
  texts.forEach((text, i) => send([{ text }], i === texts.length - 1 && !answer.toolCall));
  if (answer.toolCall) send([{ functionCall: { name: answer.toolCall.name, args: answer.toolCall.args } }], true);
  res.end();
}
