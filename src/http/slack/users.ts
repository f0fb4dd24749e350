/**
 * Who a Slack user decides as. A click in Slack names a Slack user id (`U012AB3CD`); the server
 * maps it to a harness name and roles, so the decision is recorded and checked against a tool's
 * `approvers` exactly as one sent with that person's API token. Unmapped users decide nothing.
 *
 * `HARNESS_SLACK_USERS` holds entries separated by whitespace, each `name[:role,role…]=<Slack user id>`:
 *
 *     HARNESS_SLACK_USERS="ann=U012AB3CD carol:finance,manager=U045EF6GH"
 */
import type { Principal } from '../auth.js';
import { HttpError } from '../errors.js';

/** The signing secret of the Slack app (Basic Information → App Credentials → Signing Secret). */
export const SLACK_SIGNING_SECRET_ENV = 'HARNESS_SLACK_SIGNING_SECRET';
/** The Slack user → harness name map. */
export const SLACK_USERS_ENV = 'HARNESS_SLACK_USERS';

const NAME = /^[A-Za-z0-9_.@+-]{1,200}$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const ENTRY = /^([^:=\s]+)(?::([^=\s]*))?=(\S+)$/;

/** Slack actions on `createHttpApp`. */
export interface SlackActionsOptions {
  /** The Slack app's signing secret; requests not signed with it are refused. */
  signingSecret: string;
  /** Slack user id → who that person decides as. */
  users: ReadonlyMap<string, Principal>;
}

/**
 * Parses `name[:role,role…]=<Slack user id>` entries.
 * @throws {HttpError} 500 `INVALID_SLACK_USERS` naming the entry and what is wrong with it.
 */
export function parseSlackUsers(text: string, source = SLACK_USERS_ENV): Map<string, Principal> {
  const users = new Map<string, Principal>();
  text
    .split(/\s+/)
    .filter(Boolean)
    .forEach((word, i) => {
      const where = `${source}, entry ${i + 1}`;
      const match = ENTRY.exec(word);
      if (!match) throw invalid(`${where}: expected name=<Slack user id> or name:role,role=<Slack user id>, e.g. ann=U012AB3CD.`);
      const [, name, roleList, userId] = match as unknown as [string, string, string | undefined, string];
      if (!NAME.test(name)) throw invalid(`${where}: the name must be 1-200 letters, digits or _ . @ + -.`);
      const roles = roleList === undefined ? [] : roleList.split(',');
      if (roles.some((r) => !NAME.test(r))) throw invalid(`${where} (${name}): roles are 1-200 letters, digits or _ . @ + -, separated by commas.`);
      if (!SLACK_USER_ID.test(userId)) throw invalid(`${where} (${name}): "${userId.slice(0, 40)}" is not a Slack user id (like U012AB3CD: Slack profile → ⋮ → Copy member ID).`);
      if (users.has(userId)) throw invalid(`${where} (${name}): Slack user ${userId} is mapped twice; one Slack user decides as one person.`);
      users.set(userId, { name, roles: [...new Set(roles)] });
    });
  return users;
}

/**
 * Slack actions configured in the environment, or `undefined` when `HARNESS_SLACK_SIGNING_SECRET` is not set.
 * @throws {HttpError} `INVALID_SLACK_USERS` for a malformed map, or a secret without any user mapped.
 */
export function slackActionsFromEnv(env: NodeJS.ProcessEnv = process.env): SlackActionsOptions | undefined {
  const signingSecret = env[SLACK_SIGNING_SECRET_ENV];
  if (signingSecret === undefined) return undefined;
  if (signingSecret.length < 16) throw invalid(`${SLACK_SIGNING_SECRET_ENV} is too short to be a Slack signing secret (Slack's are 32 hex characters).`);
  const users = parseSlackUsers(env[SLACK_USERS_ENV] ?? '');
  if (users.size === 0) {
    throw invalid(`${SLACK_SIGNING_SECRET_ENV} is set but ${SLACK_USERS_ENV} maps no Slack user to a harness name, so no click could decide; set e.g. ${SLACK_USERS_ENV}="ann=U012AB3CD".`);
  }
  return { signingSecret, users };
}

function invalid(message: string): HttpError {
  return new HttpError(500, 'INVALID_SLACK_USERS', message);
}
