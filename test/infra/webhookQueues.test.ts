import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { DEFAULT_QUEUE_PREFIX, webhookQueueNames } from "../../src/webhooks/workQueue";

const ROOT = join(__dirname, "../..");
const STORAGE_QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

type Resource = { type: string; name: string; properties?: any; copy?: unknown };
type Template = { variables?: Record<string, unknown>; resources: Record<string, Resource> | Resource[] };

function resources(template: Template): Resource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

/** infra/main.bicep compiled to ARM JSON with the Bicep CLI (restored from NuGet into .tools/). */
function compiledMain(): Template {
  const bicep = execFileSync("bash", [join(ROOT, "tools/bicep/install.sh")], { encoding: "utf8" }).trim();
  return JSON.parse(
    execFileSync(bicep, ["build", join(ROOT, "infra/main.bicep"), "--stdout"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as Template;
}

function module(
  main: Template,
  name: string,
): { parameters: Record<string, { value: unknown }>; template: Template } {
  const deployment = resources(main).find(
    (resource) => resource.type === "Microsoft.Resources/deployments" && resource.name.includes(`'${name}-`),
  );
  if (!deployment) throw new Error(`no module ${name}`);
  return deployment.properties as { parameters: Record<string, { value: unknown }>; template: Template };
}

describe("webhook queues in the compiled template (infra/app/webhookQueues.bicep)", () => {
  let main: Template;

  beforeAll(() => {
    main = compiledMain();
  }, 300_000);

  it("creates the four queues the app registers its functions on, in the app's storage account", () => {
    const queues = module(main, "webhookQueues");
    expect(queues.template.variables?.queuePrefix).toBe(DEFAULT_QUEUE_PREFIX);
    const names = webhookQueueNames("{0}");
    expect(queues.template.variables?.queueNames).toEqual(
      [names.fanOut, names.fanOutPoison, names.deliveries, names.deliveriesPoison].map(
        (name) => `[format('${name}', variables('queuePrefix'))]`,
      ),
    );
    const queueResource = resources(queues.template).find(
      (resource) => resource.type === "Microsoft.Storage/storageAccounts/queueServices/queues",
    );
    expect(queueResource?.copy).toMatchObject({ count: "[length(variables('queueNames'))]" });
    // The same account as the tables and the Functions host (whose queue triggers read these queues).
    expect(queues.parameters.storageAccountName).toEqual(module(main, "api").parameters.storageAccountName);
  });

  it("grants the app identity Storage Queue Data Contributor on that account", () => {
    const queues = module(main, "webhookQueues");
    expect(queues.template.variables?.storageQueueDataContributor).toBe(STORAGE_QUEUE_DATA_CONTRIBUTOR);
    const grants = resources(queues.template).filter(
      (resource) => resource.type === "Microsoft.Authorization/roleAssignments",
    );
    const app = grants.find(
      (grant) => String(grant.properties.principalId) === "[parameters('identityPrincipalId')]",
    );
    expect(app?.properties.roleDefinitionId).toContain("variables('storageQueueDataContributor')");
    expect(queues.parameters.identityPrincipalId).toEqual({
      value: "[reference('identity').outputs.principalId.value]",
    });
  });

  it("gives the app the queue endpoint it sends to (the host's AzureWebJobsStorage__queueServiceUri)", () => {
    const api = JSON.stringify(module(main, "api").template);
    expect(api).toMatch(/"AzureWebJobsStorage__queueServiceUri":\s*"\[reference\(/);
  });
});
