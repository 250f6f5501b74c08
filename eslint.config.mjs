// Lint: typescript-eslint's recommended rules, plus the ones that keep the report safe to open.
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
);
