/**
 * Slack's request signing: every request Slack sends carries `X-Slack-Request-Timestamp` and
 * `X-Slack-Signature` = `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the app's
 * signing secret. A request is accepted only when the signature matches (compared in constant
 * time) and the timestamp is within five minutes, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../errors.js';

/** How far a request's timestamp may be from the server's clock (Slack's own recommendation). */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

/** The `X-Slack-Signature` value for `body` sent at `timestamp` (Unix seconds). */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Checks that `body` came from Slack, signed with `secret`, recently.
 * @throws {HttpError} 401 `SLACK_SIGNATURE_INVALID` (missing or wrong signature) or `SLACK_REQUEST_STALE` (old or future timestamp).
 */
export function verifySlackRequest(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) {
    throw new HttpError(401, 'SLACK_SIGNATURE_INVALID', 'This route takes requests from Slack only: X-Slack-Request-Timestamp and X-Slack-Signature are missing.');
  }
  const at = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(at) || Math.abs(nowSeconds - at) > SLACK_MAX_SKEW_SECONDS) {
    throw new HttpError(
      401,
      'SLACK_REQUEST_STALE',
      `X-Slack-Request-Timestamp is more than ${SLACK_MAX_SKEW_SECONDS / 60} minutes from this server's clock: a replayed request, or a server clock that is off (check NTP).`,
    );
  }
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'SLACK_SIGNATURE_INVALID', "X-Slack-Signature does not match: the request was not signed with this server's HARNESS_SLACK_SIGNING_SECRET (or its body was changed).");
  }
}
