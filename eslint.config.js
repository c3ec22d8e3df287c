// @ts-check
// Lint is kept narrow on purpose: ESLint's recommended rules, promises that nobody awaits, and the import
// boundaries that keep workflow code deterministic and the domain rules pure. tsc checks the rest.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// One path segment other than `.` and `..`, so that `../../libs/domain/../persistence/x.js` cannot pass for
// a domain import.
const SEGMENT = String.raw`(?!\.\.?(?:/|$))[^/]+`;
const REST = `${SEGMENT}(?:/${SEGMENT})*`;

const WORKFLOW_RULE =
  'workflow code must be deterministic: import only @temporalio/workflow, libs/domain/ (except office-hours.ts), ' +
  'libs/temporal/contracts/, other files under workflows/, and `import type` from activities/index.js';

/**
 * The allow-list of imports for files `depth` folders below workflows/. Relative paths are matched exactly,
 * because whether `../x.js` stays inside workflows/ depends on how deep the importing file is.
 * @param {number} depth
 * @returns {import('eslint').Linter.Config}
 */
function workflowBoundary(depth) {
  const root = `(?:\\.\\./){${depth + 1}}`; // from the file back to the repository root
  const inside = depth === 0 ? String.raw`\./` : `(?:\\./|(?:\\.\\./){1,${depth}})`;
  const allowed = [
    '@temporalio/workflow',
    `${root}libs/domain/${REST}`, // office-hours.ts is narrowed to `import type` below
    `${root}libs/temporal/contracts/${REST}`,
    `${root}activities/index\\.js`, // narrowed to `import type` below
    `${inside}${REST}`,
  ];
  return {
    files: [`workflows/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: `^(?!(?:${allowed.join('|')})$)`, caseSensitive: true, message: WORKFLOW_RULE },
          {
            regex: `^${root}activities/index\\.js$`,
            caseSensitive: true,
            allowTypeImports: true,
            message: `${WORKFLOW_RULE}. Activities run outside the sandbox: reach them with proxyActivities.`,
          },
          {
            // Types are erased, so `import type { OfficeHours }` is harmless; the functions are not.
            regex: `^${root}libs/domain/office-hours\\.js$`,
            caseSensitive: true,
            allowTypeImports: true,
            message: `${WORKFLOW_RULE}. office-hours.ts reads Intl's time-zone database, which changes with Node and must not reach the workflow bundle; decide office hours in an activity.`,
          },
        ],
      }],
    },
  };
}

/** @param {string} message */
const noDynamicImport = (message) => ({ selector: 'ImportExpression', message });

export default defineConfig([
  globalIgnores(['**/dist/', '**/node_modules/', '.tools/', '.data/', 'coverage/', 'apps/console/src/api/schema.d.ts']),

  js.configs.recommended,

  // Plain JavaScript support files (configs, Jest's global set-up): Node.js ES modules, linted without types.
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly' },
    },
  },

  // TypeScript, with type information from the nearest tsconfig.json: the root one (apps, activities, libs, workflows,
  // test) or the agent console's (apps/console, React in .tsx).
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  // Turns off the recommended rules that tsc already checks, and better (no-undef, no-redeclare, …).
  tseslint.configs.eslintRecommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // A promise nobody awaits fails silently, or crashes the process with an unhandled rejection.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (event handlers, timers) has the same problem.
      '@typescript-eslint/no-misused-promises': 'error',
      // The core rule does not understand TypeScript: every constructor parameter property (Nest's injection)
      // and every parameter name in a function type is "unused" to it. ~90 false positives, no real find.
      'no-unused-vars': 'off',
    },
  },

  // Nothing outside workflows/ imports workflow code: the worker hands the workflows' path to the bundler
  // as a string, and the bundle is the only way workflow code runs.
  {
    files: ['activities/**/*.ts', 'apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: String.raw`^(?:\.\./)+workflows(?:/|$)`,
          caseSensitive: true,
          message: 'workflow code runs only inside the worker\'s bundle: pass the workflows path to the worker, use the contracts in libs/temporal/contracts/',
        }],
      }],
    },
  },

  // The domain rules are pure functions, shared by workflows, activities and the API. After the block
  // above, which it replaces for libs/domain/ (its allow-list also keeps workflows/ out).
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: `^(?!\\./${REST}$)`,
          caseSensitive: true,
          message: 'libs/domain/ is pure rules: import only other files in libs/domain/ (./x.js)',
        }],
      }],
      'no-restricted-syntax': ['error', noDynamicImport('libs/domain/ is pure rules: no dynamic import()')],
    },
  },
  // The one exception: phone.ts parses numbers with libphonenumber-js. It is deterministic (pure functions over
  // numbering-plan metadata bundled in the package, pinned with an exact version; no I/O, clock or Intl), so it
  // may reach the workflow bundle through the auto-responder's loop guard. Only its `min` entry points.
  {
    files: ['libs/domain/phone.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: `^(?!(?:\\./${REST}|libphonenumber-js/min|libphonenumber-js/min/metadata)$)`,
          caseSensitive: true,
          message: 'libs/domain/ is pure rules: import only other files in libs/domain/ (./x.js); phone.ts also libphonenumber-js/min',
        }],
      }],
    },
  },

  // Workflow code: first a catch-all for files deeper than the allow-lists below (add a depth there),
  // then the allow-list for each depth.
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^', message: `${WORKFLOW_RULE}. eslint.config.js has no allow-list this deep in workflows/: add one` }],
      }],
      'no-restricted-syntax': ['error', noDynamicImport(`${WORKFLOW_RULE}; no dynamic import()`)],
    },
  },
  [0, 1, 2, 3].map(workflowBoundary),
]);
