/** Slack: approval buttons decided at `POST /slack/actions`, checked with Slack's signing secret. */
export { registerSlackActionsRoute, type SlackActionOutcome } from './actions-route.js';
export { slackSignature, verifySlackRequest, SLACK_MAX_SKEW_SECONDS } from './signature.js';
export { parseSlackUsers, slackActionsFromEnv, SLACK_SIGNING_SECRET_ENV, SLACK_USERS_ENV, type SlackActionsOptions } from './users.js';
