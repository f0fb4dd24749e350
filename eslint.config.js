// @ts-check
import jsdoc from 'eslint-plugin-jsdoc';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'docs/api/**', 'coverage/**', '.scratch/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code must be deterministic: no Node APIs, no I/O layers. Activity types may be
    // imported as types (for proxyActivities), nothing else from activities or the client.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code is deterministic: Node APIs belong in activities.' },
            { group: ['**/activities/**', '**/activities/*'], allowTypeImports: true, message: 'Import activities into workflows as types only.' },
            { group: ['**/client/**', '**/client/*', '**/worker/**', '**/worker/*', '**/workspace/**', '**/workspace/*', '**/models/**', '**/models/*'], message: 'Workflows must not import I/O layers.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@langchain/*'], message: 'Not allowed in workflow code.' },
            {
              // Every new or replayed workflow evaluates the whole bundle: zod alone made each cached
              // run cost ~1.2 MiB of worker memory (BENCHMARKS.md). Check payloads by hand here.
              group: ['zod', 'zod/*'],
              message: 'Keep zod out of the workflow bundle: write a small structural check (see decision-validation.ts).',
            },
          ],
          paths: ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'].map((name) => ({
            name,
            message: 'Workflow code is deterministic: Node APIs belong in activities.',
          })),
        },
      ],
    },
  },
  {
    // The public API (the package's `.`, `/client` and `/worker` entry points) says what each
    // export does: every exported declaration needs a TSDoc comment.
    files: ['src/index.ts', 'src/client/**/*.ts', 'src/worker/**/*.ts'],
    plugins: { jsdoc },
    rules: {
      'jsdoc/require-jsdoc': [
        'error',
        {
          publicOnly: true,
          // Methods through the context below, which leaves private ones out.
          require: { FunctionDeclaration: true, ClassDeclaration: true, ArrowFunctionExpression: true, FunctionExpression: false, MethodDefinition: false },
          contexts: [
            'TSInterfaceDeclaration',
            'TSTypeAliasDeclaration',
            'TSEnumDeclaration',
            'ExportNamedDeclaration > VariableDeclaration',
            // Public methods and getters of exported classes.
            'ExportNamedDeclaration > ClassDeclaration > ClassBody > MethodDefinition[accessibility!=/private|protected/][kind!=/constructor|set/]',
          ],
          checkConstructors: false,
        },
      ],
    },
  },
  {
    // src/common holds the contracts every layer shares (errors, durations, defaults); the workflow
    // bundle may import it, so it stays pure: no Node APIs, no zod, no I/O layers.
    files: ['src/common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/common is imported by workflow code: no Node APIs.' },
            { group: ['zod', 'zod/*'], message: 'src/common is imported by workflow code: keep zod out of the bundle.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@langchain/*'], message: 'src/common is imported by workflow code.' },
            { group: ['../*', '!./*'], message: 'src/common depends on no other layer.' },
          ],
        },
      ],
    },
  },
);
