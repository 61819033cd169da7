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
/** A relative import of one of source/'s folders, e.g. `../azure/errors`. */
const folder = (name, message) => ({group: [`**/${name}`, `**/${name}/**`], message});
const noAzureFolder = folder(
  'azure',
  'Only source/commands (and source/azure itself) use source/azure: the UI takes its types from source/domain and its Services from the app context.',
);
const noAppFolder = folder('app', 'Only the wizard command imports the UI.');
const noCommandsFolder = folder('commands', 'The commands sit on top: nothing below imports them.');
const noProfilesFolder = folder(
  'profiles',
  'The profile store is used by the app and the commands.',
);
const noDomainFolder = folder(
  'domain',
  'source/lib holds leaf utilities: Azure ML rules and types belong in source/domain.',
);
const noSandboxFolder = folder('sandbox', 'The sandbox is imported only by the sandbox command.');
/** What neither source/domain nor source/lib may import: the SDKs and the layers above them. */
const belowAzure = [
  azureOnlyInAzure,
  noAzureFolder,
  noAppFolder,
  noCommandsFolder,
  noSandboxFolder,
];

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
    // The profile store never reaches Azure or the sandbox directly.
    files: ['source/profiles/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [azureOnlyInAzure, sandboxOnlyWhereAllowed]}],
    },
  },
  {
    // The UI never reaches Azure or the sandbox directly, nor any file of source/azure: it takes
    // the domain types and the Services interface from source/domain, the Services from context.
    files: ['source/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [azureOnlyInAzure, sandboxOnlyWhereAllowed, noAzureFolder]},
      ],
    },
  },
  {
    // The domain: Azure ML rules and types, no SDK and no I/O. It may use source/lib only.
    files: ['source/domain/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [...belowAzure, noProfilesFolder]}],
    },
  },
  {
    // source/lib: leaf utilities that import no other folder of source/.
    files: ['source/lib/**'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [...belowAzure, noDomainFolder]}],
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
