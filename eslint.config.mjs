import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import { entryModuleRules, layerRules } from "./eslint.layers.mjs";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "**/dist/",
      "node_modules/",
      "coverage/",
      ".azurite/",
      "infra/",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      // SCIM resources are JSON dictionaries keyed by attribute names; removing attributes is the point.
      "@typescript-eslint/no-dynamic-delete": "off",
    },
  },
  {
    // The portal's page runs in the browser: its own tsconfig gives it the DOM and no Node.js.
    files: ["portal/**/*.ts"],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: "./tsconfig.portal.json",
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  ...layerRules,
  ...entryModuleRules,
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Responses of the server under test are JSON of any shape; assertions check them.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
