import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'coverage/**', 'bench/results/**', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/unbound-method': 'off',
      // A process imports only what it runs: the three servers never import each other's code.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/memory/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/main/**', '**/agent/**', '../main/*', '../agent/*'] }] },
  },
  {
    files: ['src/agent/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/main/**', '**/memory/**', '../main/*', '../memory/*'] }] },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/agent/**', '**/memory/**', '../agent/*', '../memory/*'] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/main/**', '**/memory/**', '**/agent/**', '../main/*', '../memory/*', '../agent/*'] }] },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The front end runs in the browser and imports nothing of the servers.
    files: ['web/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/src/main/**', '**/src/memory/**', '**/src/agent/**', '**/src/shared/**', 'node:*'] }] },
  },
  { files: ['**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
