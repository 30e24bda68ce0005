import { compileTemplate, findBicep, runsInCi, type Json } from "./compiledTemplate";
import { TEMPLATE_CHECKS } from "./templateChecks";

// The ARM JSON that azd deploys, compiled from infra/main.bicep by the Bicep CLI. The mutation list in
// templateMutations.test.ts proves that each of these checks fails on a realistic mistake.
const bicep = findBicep();

if ("missing" in bicep && !runsInCi()) {
  describe.skip(`compiled template (skipped: no Bicep CLI; ${bicep.missing})`, () => {
    it("needs the Bicep CLI (bash tools/bicep/install.sh)", () => undefined);
  });
} else {
  describe("compiled template (infra/main.bicep → ARM JSON)", () => {
    let template: Json;
    beforeAll(() => {
      if ("missing" in bicep) throw new Error(`CI must have the Bicep CLI: ${bicep.missing}`);
      template = compileTemplate(bicep.path);
    });

    it.each(TEMPLATE_CHECKS.map((check) => [check.name, check] as const))("%s", (_name, check) => {
      check.check(template);
    });
  });
}
