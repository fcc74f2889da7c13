// ESLint flat config (README, "Lint and dead code"). The recommended JavaScript and typescript-eslint
// rules: they catch real mistakes (unused variables and imports, useless assignments, unsafe
// declarations, `any` leaking into product code) and hold no style opinions; formatting is the
// editor's business and type errors are tsc's (npm test runs it). Deliberate exceptions are named
// below, each with its reason.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: globals.node },
    rules: {
      // `_name` marks a value kept on purpose (a destructured field left out, a callback's unused argument).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // The web pages' scripts run in the browser, as plain scripts.
  { files: ["src/adapters/web/pages/**/*.js"], languageOptions: { globals: globals.browser, sourceType: "script" } },
  // Tests read untyped JSON bodies and mock platform payloads: `any` there is a reading aid, not a leak.
  { files: ["tests/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
