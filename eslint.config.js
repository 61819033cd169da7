import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const azureOnlyInAzure = {
  group: ['@azure/*'],
  message: 'Only source/azure talks to Azure: go through its Services.',
};
const sandboxOnlyWhereAllowed = {
  group: ['**/sandbox', '**/sandbox/*', '!**/commands/sandbox'],
  message: 'The sandbox is imported only by the sandbox command and the --sandbox flag.',
};

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'coverage/', '.scratch/']},
  {languageOptions: {globals: {...globals.node}}},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: {'react-hooks': reactHooks},
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_'},
      ],
      'no-restricted-imports': ['error', {patterns: [azureOnlyInAzure]}],
    },
  },
  {
    // The UI and the profile store never reach Azure or the sandbox directly.
    files: ['source/app/**', 'source/profiles/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [azureOnlyInAzure, sandboxOnlyWhereAllowed]}],
    },
  },
  {
    // source/azure is the one place that imports the Azure SDKs, and it has no sandbox paths.
    files: ['source/azure/**'],
    rules: {'no-restricted-imports': ['error', {patterns: [sandboxOnlyWhereAllowed]}]},
  },
  {
    // Tests drive the real SDKs against the sandbox to prove its fidelity.
    files: ['test/**'],
    rules: {'no-restricted-imports': 'off'},
  },
);
