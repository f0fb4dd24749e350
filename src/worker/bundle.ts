/** Bundles the workflow code once; bundling takes seconds, so tests and tools reuse the result. */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ENCODED_FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';

/**
 * Absolute path of the workflows entry point: `src/workflows/index.ts` when running from the
 * sources, `dist/workflows/index.js` from the compiled package (this file's own extension says which).
 */
export const WORKFLOWS_PATH = fileURLToPath(
  new URL(`../workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/** Options of {@link bundleHarnessWorkflows}. */
export interface BundleOptions {
  /**
   * Bundle the failure converter that encodes failure messages and stack traces (so the codec
   * encrypts them). Needed, and checked, when the worker encrypts payloads.
   * @default false
   */
  encodeFailures?: boolean;
  /**
   * Bundle the tracing interceptors (OpenTelemetry spans per run, model call, tool call and
   * approval wait). Needed, and checked, when the worker traces (`OTEL_EXPORTER_OTLP_*` set).
   * @default false
   */
  tracing?: boolean;
}

/** Absolute path of the workflow interceptor module a tracing bundle includes. */
export const TRACING_INTERCEPTORS_PATH = fileURLToPath(
  new URL(`../workflows/telemetry/interceptors${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * Bundles the harness workflows for `Worker.create({ workflowBundle })`. Takes seconds: bundle once
 * per process and pass the result to every `createHarnessWorker` call.
 * @example
 * const workflowBundle = await bundleHarnessWorkflows({ encodeFailures: !!process.env.HARNESS_ENCRYPTION_KEY });
 * const hw = await createHarnessWorker({ workspace: 'harness.yaml', workflowBundle });
 */
export async function bundleHarnessWorkflows(options: BundleOptions = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    // Failures created in workflow code are converted inside the sandbox: the converter must be in the bundle.
    ...(options.encodeFailures && { failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH }),
    ...(options.tracing && { workflowInterceptorModules: [TRACING_INTERCEPTORS_PATH] }),
    logger: quietLogger,
    // Evaluate the workflow modules once per worker thread, not once per run: the SDK shares (and
    // deep-freezes) preloaded modules between all the runs of its reusable V8 context. Each new
    // run then skips evaluating ~1 MB of module code, and a cached run holds no module instance of
    // its own (a third less memory per parked run). Safe because the workflow code keeps no
    // per-run state at module level, except the tracing bundle's span holders: it keeps
    // per-run modules.
    ...(!options.tracing && { preloadModules: [WORKFLOWS_PATH] }),
    webpackConfigHook: (config) => ({
      ...sourceBundleConfig(config),
      // Scope hoisting: our ES modules become one module. A reusable V8 context evaluates the
      // modules it does not preload again for every new workflow (each has its own module cache),
      // so fewer modules is less work per run; stack traces keep their source positions.
      optimization: { ...config.optimization, concatenateModules: true },
    }),
  });
}

type WebpackConfig = Parameters<NonNullable<BundleOptionsOfSdk['webpackConfigHook']>>[0];
type BundleOptionsOfSdk = Parameters<typeof bundleWorkflowCode>[0];

/**
 * The webpack settings a bundle built from TypeScript sources needs (`npm start`, tests, benches;
 * the compiled package bundles its `.js` files):
 * - Our sources are ESM TypeScript that import siblings as `./x.js`: webpack finds the `.ts` (from
 *   the compiled package only the `.js` files exist, and the alias falls back to them).
 * - The SDK compiles `.ts` files to ES2017, which turns every object spread and class field into
 *   helper calls (~14% of the workflow code's own time per activation, measured); ES2022, as
 *   `tsc` builds the package, keeps them native. Node 20's V8 runs ES2022 natively.
 */
export function sourceBundleConfig(config: WebpackConfig): WebpackConfig {
  return {
    ...config,
    resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
    module: { ...config.module, rules: config.module?.rules?.map(withEs2022) },
  };
}

type Rule = NonNullable<NonNullable<WebpackConfig['module']>['rules']>[number];

function withEs2022(rule: Rule): Rule {
  if (!rule || typeof rule !== 'object' || !rule.use || typeof rule.use !== 'object' || Array.isArray(rule.use)) return rule;
  const use = rule.use as { loader?: string; options?: { jsc?: Record<string, unknown> } };
  if (!use.loader?.includes('swc-loader')) return rule;
  return { ...rule, use: { ...use, options: { ...use.options, jsc: { ...use.options?.jsc, target: 'es2022' } } } };
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
