/**
 * Decision links over HTTP:
 *
 * - `GET /links/decide/{token}`: the confirmation page. Mail clients and link previewers fetch
 *   links on their own, so a GET only shows what would be decided and changes nothing.
 * - `POST /links/decide/{token}`: the page's form. The one state-changing route that takes a form
 *   body rather than JSON: the signed token is the credential (no bearer token), the Host and Origin
 *   guards still apply, and the decision goes to the run as the validated `decideApproval` update.
 * - `POST /runs/{id}/approvals/{approvalId}/links` (JSON, authenticated): mints a link. With
 *   authentication a caller mints links for itself only (as for decisions).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { LINK_SECRET_ENV, verifyDecisionLink } from '../client/decision-links.js';
import { DecisionLinkError } from '../client/errors.js';
import type { HarnessClient } from '../client/index.js';
import { DECISION_LIMITS, isApprovalProgress } from '../workflows/run/contract.js';
import { decisionAs } from './approver.js';
import { HttpError, toHttpError } from './errors.js';
import type { GuardEnv } from './guards.js';
import { confirmationPage, LINK_PAGE_HEADERS, messagePage } from './link-page.js';
import { idParam, parseJsonBody, parseWith } from './schemas.js';

/** Decision links on `createHttpApp`. */
export interface DecisionLinkOptions {
  /** The signing secret (`HARNESS_LINK_SECRET`); every server that checks links needs the same. */
  secret: string;
}

/** Body of `POST /runs/{id}/approvals/{approvalId}/links`. */
export const linkBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    approver: z.string().min(1).max(DECISION_LIMITS.approverChars).optional().describe('Who the link is for (with authentication: the caller).'),
    approverRoles: z.array(z.string().min(1).max(DECISION_LIMITS.roleChars)).max(DECISION_LIMITS.approverRoles).optional(),
    expiresIn: z.string().max(50).optional().describe('How long the link is valid, e.g. "1h" (1 s to 30 days). Default 24h.'),
  })
  .strict();

const LINK_PATH = '/links/decide/:token';
const TITLES: Record<string, string> = {
  LINK_MALFORMED: 'Not a decision link',
  LINK_TAMPERED: 'This link is not valid',
  LINK_EXPIRED: 'This link has expired',
  APPROVAL_ALREADY_DECIDED: 'Already decided',
  APPROVER_ALREADY_VOTED: 'Already decided',
  RUN_NOT_ACTIVE: 'The run has ended',
};

/** The link page's routes: register before authentication and the JSON-only guard. */
export function registerLinkPageRoutes(
  app: Hono<GuardEnv>,
  client: HarnessClient,
  links: DecisionLinkOptions | undefined,
  onError: (err: unknown) => void,
): void {
  const htmlError = (c: Context<GuardEnv>, err: unknown) => {
    const e = toHttpError(err);
    if (e.status >= 500 && e.code !== 'LINK_SECRET_MISSING') onError(err);
    return c.html(messagePage(TITLES[e.code] ?? 'This link cannot be used', e.message, e.code), e.status, LINK_PAGE_HEADERS);
  };

  app.get(LINK_PATH, async (c) => {
    try {
      const claims = verifyDecisionLink(c.req.param('token'), { secret: secretOf(links) });
      const { pendingApprovals } = await client.getRun(claims.runId).status();
      const approval = pendingApprovals.find((p) => p.approvalId === claims.approvalId);
      if (!approval) {
        throw new HttpError(409, 'APPROVAL_ALREADY_DECIDED', `Approval ${claims.approvalId} of run ${claims.runId} is no longer pending: it was decided (or the run ended).`);
      }
      return c.html(confirmationPage(claims, approval), 200, LINK_PAGE_HEADERS);
    } catch (err) {
      return htmlError(c, err);
    }
  });

  app.post(LINK_PATH, async (c) => {
    try {
      const { claims, record } = await client.decideByLink(c.req.param('token'), { secret: secretOf(links) });
      const done = isApprovalProgress(record) ? 'Approved (more approvals needed)' : record.decision === 'reject' ? 'Rejected' : 'Approved';
      return c.html(
        messagePage(`${done}`, `${done} ${record.toolName} (approval ${claims.approvalId} of run ${claims.runId}) as ${claims.approver}. You can close this page.`),
        200,
        LINK_PAGE_HEADERS,
      );
    } catch (err) {
      return htmlError(c, err);
    }
  });
}

/** `POST /runs/{id}/approvals/{approvalId}/links`: register after authentication and the JSON-only guard. */
export function registerLinkMintRoute(app: Hono<GuardEnv>, client: HarnessClient, links: DecisionLinkOptions | undefined): void {
  app.post('/runs/:id/approvals/:approvalId/links', async (c) => {
    const run = client.getRun(parseWith(idParam, c.req.param('id'), 'path'));
    const approvalId = parseWith(idParam, c.req.param('approvalId'), 'path');
    const body = await parseJsonBody(c, linkBody);
    const as = decisionAs(c.get('principal'), { decision: body.decision, ...(body.approver !== undefined && { approver: body.approver }), ...(body.approverRoles && { approverRoles: body.approverRoles }) });
    if (as.approver === undefined) {
      throw new HttpError(400, 'INVALID_REQUEST', 'A link names its approver: set "approver" to the person it is for (the decision is recorded under that name).');
    }
    const link = await client.decisionLink(run.runId, {
      approvalId,
      approver: as.approver,
      ...(as.approverRoles && { approverRoles: as.approverRoles }),
      decision: body.decision,
      ...(body.expiresIn !== undefined && { expiresIn: body.expiresIn }),
      secret: secretOf(links),
    });
    const url = `${new URL(c.req.url).origin}/links/decide/${link.token}`;
    return c.json({ url, token: link.token, expiresAt: link.expiresAt, runId: run.runId, approvalId, approver: as.approver, decision: body.decision }, 201);
  });
}

/** `path` with a decision link's token cut out: a link is a credential, kept out of request logs. */
export function redactLinkToken(path: string): string {
  return path.startsWith('/links/decide/') ? '/links/decide/…' : path;
}

function secretOf(links: DecisionLinkOptions | undefined): string {
  if (!links) {
    throw new DecisionLinkError(
      'LINK_SECRET_MISSING',
      `This server does not serve decision links: its operator has not set ${LINK_SECRET_ENV} (the same secret on every server that checks links).`,
    );
  }
  return links.secret;
}
