/**
 * Decision links: a signed, expiring URL that approves or rejects one pending approval as one
 * approver, for people who decide from a mail or chat client. The link carries its claims (run,
 * approval, approver, decision, expiry, a random nonce) and an HMAC-SHA256 over them, keyed by a
 * secret only the servers hold (`HARNESS_LINK_SECRET`), so a server needs no link store to check
 * one, and any `harness serve` with the same secret accepts it.
 *
 * Single use comes from the run, not from this module: using a link sends the ordinary
 * `decideApproval` update as its approver, and the run refuses a second decision by that approver
 * on that approval (`APPROVAL_ALREADY_DECIDED`, or `APPROVER_ALREADY_VOTED` while an N-of-M
 * approval still waits for others). That state lives in the run's history, so a replay is refused
 * on every server, after restarts too. The nonce is recorded with the decision (in its reason).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseDuration } from '../common/durations.js';
import { DECISION_LIMITS } from '../workflows/run/contract.js';
import { DecisionLinkError } from './errors.js';

/** The environment variable `harness serve`, `harness link` and {@link linkSecretFromEnv} read. */
export const LINK_SECRET_ENV = 'HARNESS_LINK_SECRET';

/** Bounds of decision links. */
export const DECISION_LINK_LIMITS = {
  /** Shortest secret accepted, in characters. */
  secretChars: 32,
  /** Longest token accepted before any parsing. */
  tokenChars: 4096,
  /** Longest validity of a link. */
  maxExpiresInMs: 30 * 86_400_000,
  /** Shortest validity of a link. */
  minExpiresInMs: 1_000,
} as const;

/** The decisions a link can carry: an edit needs a replacement input, which belongs in an app. */
export type LinkDecision = 'approve' | 'reject';

/** What a decision link says, all of it covered by its signature. */
export interface DecisionLinkClaims {
  runId: string;
  approvalId: string;
  approver: string;
  /** Roles the decision is recorded with (for tools whose approvers list `role:<role>`). */
  approverRoles?: string[];
  decision: LinkDecision;
  /** Expiry, milliseconds since the epoch. */
  expiresAtMs: number;
  /** Random, so two links for the same decision differ; recorded with the decision. */
  nonce: string;
}

/** Options of {@link signDecisionLink}. */
export interface SignDecisionLinkOptions {
  runId: string;
  approvalId: string;
  approver: string;
  approverRoles?: string[];
  decision: LinkDecision;
  /** How long the link is valid: a duration ("1h", "2d") or milliseconds; 1 s to 30 days. */
  expiresIn: string | number;
  /** The signing secret. @default process.env.HARNESS_LINK_SECRET */
  secret?: string;
  /** Clock, for tests. @default Date.now() */
  nowMs?: number;
}

/** A minted link: the token (the path segment of the URL) and its expiry. */
export interface DecisionLink {
  token: string;
  /** ISO-8601 expiry. */
  expiresAt: string;
  claims: DecisionLinkClaims;
}

const VERSION = 'v1';
const TOKEN_SHAPE = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

/**
 * The signing secret from `HARNESS_LINK_SECRET`.
 * @throws {DecisionLinkError} `LINK_SECRET_MISSING` when unset or shorter than 32 characters.
 */
export function linkSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return checkedSecret(env[LINK_SECRET_ENV]);
}

function checkedSecret(secret: string | undefined): string {
  if (secret === undefined || secret.length < DECISION_LINK_LIMITS.secretChars) {
    throw new DecisionLinkError(
      'LINK_SECRET_MISSING',
      `Decision links need a signing secret of at least ${DECISION_LINK_LIMITS.secretChars} characters in ${LINK_SECRET_ENV} ` +
        `(${secret === undefined ? 'it is not set' : 'it is too short'}), the same on every server that checks links: ` +
        `e.g. export ${LINK_SECRET_ENV}=$(openssl rand -hex 32). Keep it out of the workspace and of version control.`,
    );
  }
  return secret;
}

/**
 * Mints a decision link's token. Checks only the options, not the run: `RunHandle.decisionLink`
 * also checks that the approval is pending.
 * @throws {DecisionLinkError} `LINK_SECRET_MISSING`, `INVALID_LINK_OPTIONS` (bad expiry, ids or approver).
 * @example
 * const { token } = signDecisionLink({ runId, approvalId: 'call_1_0', approver: 'ann', decision: 'approve', expiresIn: '1h' });
 * const url = `https://harness.example.com/links/decide/${token}`;
 */
export function signDecisionLink(options: SignDecisionLinkOptions): DecisionLink {
  const secret = checkedSecret(options.secret ?? process.env[LINK_SECRET_ENV]);
  let expiresInMs: number;
  try {
    expiresInMs = parseDuration(options.expiresIn, { min: DECISION_LINK_LIMITS.minExpiresInMs, what: 'The link expiry' });
  } catch (e) {
    throw new DecisionLinkError('INVALID_LINK_OPTIONS', (e as Error).message, { cause: e });
  }
  if (expiresInMs > DECISION_LINK_LIMITS.maxExpiresInMs) {
    throw new DecisionLinkError('INVALID_LINK_OPTIONS', 'The link expiry must be at most 30 days: mint a new link when it runs out.');
  }
  const problem = claimsProblem(options);
  if (problem) throw new DecisionLinkError('INVALID_LINK_OPTIONS', problem);
  const claims: DecisionLinkClaims = {
    runId: options.runId,
    approvalId: options.approvalId,
    approver: options.approver,
    ...(options.approverRoles?.length && { approverRoles: [...options.approverRoles] }),
    decision: options.decision,
    expiresAtMs: (options.nowMs ?? Date.now()) + expiresInMs,
    nonce: randomBytes(16).toString('base64url'),
  };
  const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${body}.${mac(secret, body).toString('base64url')}`;
  if (token.length > DECISION_LINK_LIMITS.tokenChars) {
    throw new DecisionLinkError('INVALID_LINK_OPTIONS', `The link would be ${token.length} characters, over ${DECISION_LINK_LIMITS.tokenChars}: use shorter ids, approver and roles.`);
  }
  return { token, expiresAt: new Date(claims.expiresAtMs).toISOString(), claims };
}

/** Options of {@link verifyDecisionLink}. */
export interface VerifyDecisionLinkOptions {
  /** @default process.env.HARNESS_LINK_SECRET */
  secret?: string;
  /** @default Date.now() */
  nowMs?: number;
}

/**
 * Checks a token's signature, then its expiry, and returns its claims. Nothing in the token is
 * trusted (or even parsed as JSON) before its signature matches.
 * @throws {DecisionLinkError} `LINK_MALFORMED`, `LINK_TAMPERED`, `LINK_EXPIRED`, `LINK_SECRET_MISSING`.
 */
export function verifyDecisionLink(token: string, options: VerifyDecisionLinkOptions = {}): DecisionLinkClaims {
  const secret = checkedSecret(options.secret ?? process.env[LINK_SECRET_ENV]);
  if (token.length > DECISION_LINK_LIMITS.tokenChars || !TOKEN_SHAPE.test(token)) {
    throw new DecisionLinkError('LINK_MALFORMED', 'This is not a decision link (it was cut or mangled): open the whole link from the message you received.');
  }
  const cut = token.lastIndexOf('.');
  const body = token.slice(0, cut);
  const given = Buffer.from(token.slice(cut + 1), 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DecisionLinkError(
      'LINK_TAMPERED',
      'This decision link does not carry a valid signature: it was altered, or signed with another secret. Ask for a new link.',
    );
  }
  const claims = JSON.parse(Buffer.from(body.slice(VERSION.length + 1), 'base64url').toString('utf8')) as DecisionLinkClaims;
  if ((options.nowMs ?? Date.now()) >= claims.expiresAtMs) {
    throw new DecisionLinkError(
      'LINK_EXPIRED',
      `This decision link expired at ${new Date(claims.expiresAtMs).toISOString()}; ask for a new one, or decide in the app.`,
    );
  }
  return claims;
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

function claimsProblem(o: SignDecisionLinkOptions): string | undefined {
  if (o.decision !== 'approve' && o.decision !== 'reject') return `A link decides "approve" or "reject" (got ${JSON.stringify(o.decision)}); edits need the app.`;
  if (!o.runId || o.runId.length > 512) return 'The run id must be 1-512 characters.';
  if (!o.approvalId || o.approvalId.length > DECISION_LIMITS.approvalIdChars) return `The approval id must be 1-${DECISION_LIMITS.approvalIdChars} characters.`;
  if (!o.approver || o.approver.length > DECISION_LIMITS.approverChars) {
    return `A link names its approver (1-${DECISION_LIMITS.approverChars} characters): the person it is sent to, recorded with the decision.`;
  }
  const roles = o.approverRoles ?? [];
  if (roles.length > DECISION_LIMITS.approverRoles || roles.some((r) => !r || r.length > DECISION_LIMITS.roleChars)) {
    return `Roles: at most ${DECISION_LIMITS.approverRoles}, each 1-${DECISION_LIMITS.roleChars} characters.`;
  }
  return undefined;
}
