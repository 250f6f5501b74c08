// Lint: typescript-eslint's recommended rules, plus the ones that keep the report safe to open.
// `npm run lint` (tsc + eslint) runs in .ci/run.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'viewer/dist/', 'samples/recordings/', 'bench/.data/', 'coverage/', '.tmp/', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Trace data must never reach the DOM as markup.
    files: ['viewer/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent / d3 .text(): trace data must never be parsed as HTML.' },
        { property: 'outerHTML', message: 'Use textContent / d3 .text().' },
        { property: 'insertAdjacentHTML', message: 'Use DOM nodes.' },
        { property: 'html', message: 'd3 .html() parses markup; use .text().' },
      ],
    },
  },
  {
    // Line length: 160 characters, without a formatter (no prettier: it would rewrite every file at once). Long URLs,
    // strings, template literals and regexes are exempt, since breaking them hurts more than it helps.
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    rules: {
      'max-len': [
        'error',
        { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
);
