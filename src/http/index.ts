/**
 * The HTTP API (`harness serve`): a web-standard app over `HarnessClient`, its OpenAPI document,
 * and a Node server to run it on.
 */
export { createHttpApp, type HttpAppOptions, type RequestLog } from './app.js';
export { HttpError, type ErrorBody, type ErrorStatus, type IssueLocation, type ValidationIssue } from './errors.js';
export { openApiDocument, type OpenApiDocument } from './openapi.js';
export { listenHttp, type FetchApp, type HttpServer, type ListenOptions } from './server.js';
