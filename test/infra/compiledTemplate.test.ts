import { compileTemplate, describeWithBicep, type Json } from "./compiledTemplate";
import { TEMPLATE_CHECKS } from "./templateChecks";

// The ARM JSON that azd deploys, compiled from infra/main.bicep by the Bicep CLI. The mutation list in
// templateMutations.test.ts proves that each of these checks fails on a realistic mistake.
describeWithBicep("compiled template (infra/main.bicep → ARM JSON)", (bicep) => {
  let template: Json;
  beforeAll(() => {
    template = compileTemplate(bicep());
  });

  it.each(TEMPLATE_CHECKS.map((check) => [check.name, check] as const))("%s", (_name, check) => {
    check.check(template);
  });
});
