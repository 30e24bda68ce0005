// Lints source texts at given paths with the no-restricted-imports setting that the project's
// eslint.config.mjs gives those paths (what `npm run lint` applies), without type information, so
// it takes a second. Input: a JSON array of {path, code} on stdin. Output: the messages per case.
import { readFileSync } from "node:fs";
import { ESLint, Linter } from "eslint";
import tseslint from "typescript-eslint";

const cases = JSON.parse(readFileSync(0, "utf8"));
const project = new ESLint({ cwd: process.cwd() });
const linter = new Linter({ configType: "flat" });
const results = [];
for (const { path, code } of cases) {
  const config = await project.calculateConfigForFile(path);
  const setting = config?.rules?.["no-restricted-imports"];
  const messages = linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        rules: { "no-restricted-imports": setting ?? "off" },
      },
    ],
    { filename: path },
  );
  results.push({
    path,
    linted: config !== undefined,
    layered: setting !== undefined,
    messages: messages.map((m) => m.message),
  });
}
process.stdout.write(JSON.stringify(results));
