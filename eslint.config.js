import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'data/', 'test/vectors/', 'scratch/', '**/*.generated.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The web app runs in the browser and sees only HTTP (docs: STYLE.md, layout).
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/*', 'node:*'], message: 'The web app talks to the API only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['web/public/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The layers point one way: the pure codec never reaches for I/O, the clock or the console.
    files: ['src/codec/**/*.ts'],
    ignores: ['src/codec/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:child_process'],
              message: 'The codec is pure: no I/O.',
            },
            {
              group: ['**/cli/**', '**/api/**', '**/storage/**', '**/domain/**'],
              message: 'The codec depends on nothing above it.',
            },
          ],
        },
      ],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The codec takes the clock as an argument.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The codec takes the clock as an argument.',
        },
      ],
    },
  },
)
