/**
 * Bedrock `ConverseStream`: AWS's binary event-stream framing (`application/vnd.amazon.eventstream`).
 * Each message: total length and headers length (uint32 BE), a CRC32 of those 8 bytes, the headers
 * (name length u8, name, type 7 = string, value length u16 BE, value), the JSON payload, and a
 * CRC32 of everything before it.
 */
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { isStubError, pieces, type StubAnswer } from './server.js';

const ERROR_TYPES: Record<number, string> = { 400: 'ValidationException', 403: 'UnrecognizedClientException', 404: 'ResourceNotFoundException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' };

export function writeBedrock(res: ServerResponse, answer: StubAnswer): void {
  if (isStubError(answer)) {
    const { status, message } = answer.error;
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${ERROR_TYPES[status] ?? 'InternalServerException'}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'stub' });
    res.end(JSON.stringify({ message }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'stub' });
  const send = (eventType: string, payload: object) => res.write(eventMessage(eventType, payload));
  send('messageStart', { role: 'assistant' });
  let index = 0;
  if (answer.text !== undefined) {
    for (const text of pieces(answer.text)) send('contentBlockDelta', { contentBlockIndex: index, delta: { text } });
    send('contentBlockStop', { contentBlockIndex: index });
    index++;
  }
  if (answer.toolCall) {
    const { id, name, args } = answer.toolCall;
    send('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: id, name } } });
    send('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: JSON.stringify(args) } } });
    send('contentBlockStop', { contentBlockIndex: index });
  }
  send('messageStop', { stopReason: answer.toolCall ? 'tool_use' : 'end_turn' });
  const { input, output } = answer.usage;
  send('metadata', { usage: { inputTokens: input, outputTokens: output, totalTokens: input + output }, metrics: { latencyMs: 5 } });
  res.end();
}

/** One event-stream message carrying `payload` as the event `eventType`. */
export function eventMessage(eventType: string, payload: object): Buffer {
  const headers = Buffer.concat(
    Object.entries({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }).map(([name, value]) => {
      const n = Buffer.from(name, 'utf8');
      const v = Buffer.from(value, 'utf8');
      const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
      h.writeUInt8(n.length, 0);
      n.copy(h, 1);
      h.writeUInt8(7, 1 + n.length);
      h.writeUInt16BE(v.length, 2 + n.length);
      v.copy(h, 4 + n.length);
      return h;
    }),
  );
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const total = 12 + headers.length + body.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headers, body]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}
