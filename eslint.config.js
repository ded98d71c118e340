// One lint setup for every workspace: typescript-eslint with type information, so floating promises
// (the classic silent failure in a controller loop) are errors.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The operator's layers, bottom up: api/ (types) and spec/ (the resolved spec); builders/ (pure, on those two only);
 * k8s/ and runtime/ (know nothing of the workflow); database/ (engines); controller/ (the workflow, on all of them);
 * the composition root (main.ts, petstore-controller.ts, permissions.ts) on top. Each entry forbids what a layer must
 * not import.
 */
const composition = [
  '**/main.ts',
  '**/petstore-controller.ts',
  '**/backup-controller.ts',
  '**/permissions.ts',
  '**/operator-config.ts',
];
/** @type {[string, string[]][]} */
const layerRules = [
  ['api', ['**/spec/*', '**/builders/*', '**/k8s/*', '**/runtime/*', '**/database/**', '**/controller/*']],
  ['spec', ['**/builders/*', '**/k8s/*', '**/runtime/*', '**/database/**', '**/controller/*']],
  ['builders', ['**/k8s/*', '**/runtime/*', '**/database/**', '**/controller/*']],
  ['k8s', ['**/spec/*', '**/builders/*', '**/database/**', '**/controller/*']],
  ['runtime', ['**/api/**', '**/spec/*', '**/builders/*', '**/database/**', '**/controller/*', '**/k8s/kinds.ts']],
  ['database', ['**/builders/*', '**/controller/*']],
  ['controller', []],
];
const operatorLayers = layerRules.map(([layer, forbidden]) => ({
  files: [`operator/src/${layer}/**/*.ts`],
  ignores: ['**/*.test.ts', '**/test/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [...forbidden, ...composition.map((file) => `../${file}`)],
            message: `operator/src/${layer} is a lower layer (see the layers in eslint.config.js)`,
          },
        ],
      },
    ],
  },
}));

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'charts/**', 'infra-terraform/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      // @kubernetes/client-node declares its models (V1Deployment, ...) as classes, but they are plain JSON on the
      // wire and everywhere in this code base; object literals and spreads of them are the intended use.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-misused-spread': 'off',
      // Typed cache and client accessors (`get<T>`) follow client-node's own convention (KubernetesObjectApi.read<T>).
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  // api/src layering (issue 11): features never import the composition root (app.ts, main.ts), and the data layer
  // (db/) knows nothing of HTTP: it throws its own errors, which problem.ts maps to statuses.
  {
    files: ['api/src/**/*.ts'],
    ignores: ['api/src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '(^|/)(app|main)\\.ts$', message: 'only main.ts composes the app (pass deps instead)' }],
        },
      ],
    },
  },
  {
    files: ['api/src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)(app|main)\\.ts$', message: 'only main.ts composes the app (pass deps instead)' },
            { regex: '(^|/)(problem\\.ts|http/)', message: 'the data layer throws its own errors, not HTTP problems' },
          ],
        },
      ],
    },
  },
  ...operatorLayers,
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Tests read kubectl's JSON output, which is untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
