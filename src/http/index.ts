/**
 * The HTTP API (`harness serve`): a web-standard app over `HarnessClient`, its OpenAPI document,
 * its authentication (built-in bearer tokens or your own hook), and a Node server to run it on.
 */
export { createHttpApp, type HttpAppOptions, type RequestLog } from './app.js';
export {
  API_TOKENS_ENV,
  API_TOKENS_FILE_ENV,
  apiTokensFromEnv,
  bearerToken,
  bearerTokens,
  parseApiTokens,
  type ApiToken,
  type Authenticate,
  type Principal,
} from './auth.js';
export { ApiTokensError, HttpError, type ApiTokensErrorCode, type ErrorBody, type ErrorStatus, type IssueLocation, type ValidationIssue } from './errors.js';
export { LOOPBACK_HOSTS } from './guards.js';
export { type DecisionLinkOptions } from './link-routes.js';
export {
  parseSlackUsers,
  slackActionsFromEnv,
  slackSignature,
  SLACK_SIGNING_SECRET_ENV,
  SLACK_USERS_ENV,
  type SlackActionOutcome,
  type SlackActionsOptions,
} from './slack/index.js';
export type { McpEndpointOptions } from './mcp-route.js';
export { openApiDocument, type OpenApiDocument } from './openapi.js';
export { DEFAULT_MAX_BODY_BYTES, MAX_INPUT_CHARS } from './schemas.js';
export { WEB_APP_DIR } from './web-app.js';
export { listenHttp, type FetchApp, type HttpServer, type ListenOptions } from './server.js';
export {
  createAgentMcpServer,
  MAX_AGENT_MESSAGE_CHARS,
  type AgentMcpServerOptions,
  type ExposedAgent,
} from '../mcp-server/agent-server.js';
export type { McpApprover } from '../mcp-server/answer.js';
export { McpServeError, isMcpServeError, type McpServeErrorCode } from '../mcp-server/errors.js';
export { DECIDE_TOOL, RUN_STATUS_TOOL } from '../mcp-server/run-reply.js';
