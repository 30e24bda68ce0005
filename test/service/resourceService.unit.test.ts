import { userResourceType } from "../../src/scim/schema/resourceType";
import { ResourceService } from "../../src/service/resourceService";
import { userKind } from "../../src/store/resourceKinds";
import { InMemoryResourceRepository } from "../support/inMemoryResourceRepository";

const scope = { tenantId: "t1", baseUrl: "http://127.0.0.1/scim/v2/t1" };
const patch = (...Operations: object[]) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations,
});

/** The service's own rules, over the in-memory repository (its contract: resourceRepository.unit.test.ts). */
describe("ResourceService over an in-memory repository", () => {
  let repository: InMemoryResourceRepository;
  let service: ResourceService;

  beforeEach(() => {
    repository = new InMemoryResourceRepository(userKind);
    service = new ResourceService(userResourceType, repository);
  });

  it("stores Entra's default-dialect disable, and writes nothing when the same PATCH comes again", async () => {
    const { resource } = await service.create(scope, { userName: "ada@x.com", active: true });
    const id = String(resource.id);
    const update = jest.spyOn(repository, "update");
    const disable = patch({ op: "Replace", path: "active", value: "False" });
    expect((await service.patch(scope, id, disable)).resource.active).toBe(false);
    expect((await service.patch(scope, id, disable)).resource.active).toBe(false);
    expect(update).toHaveBeenCalledTimes(1);
  });

  it("applies a PATCH again on the fresh document when another write slipped in after its read", async () => {
    const { resource } = await service.create(scope, { userName: "ada@x.com" });
    const id = String(resource.id);
    const read = repository.get.bind(repository);
    let raced = false;
    jest.spyOn(repository, "get").mockImplementation(async (tenantId, wanted) => {
      const stored = await read(tenantId, wanted);
      if (!raced && stored) {
        raced = true;
        await repository.update(
          tenantId,
          stored,
          { ...stored.doc, nickName: "Countess" },
          stored.lastModified,
        );
      }
      return stored;
    });
    await service.patch(scope, id, patch({ op: "Replace", path: "displayName", value: "Ada" }));
    expect((await read("t1", id))?.doc).toMatchObject({ displayName: "Ada", nickName: "Countess" });
  });

  it("refuses a duplicate userName in another letter case with 409 uniqueness and stores nothing", async () => {
    await service.create(scope, { userName: "ada@x.com" });
    await expect(service.create(scope, { userName: "ADA@X.COM" })).rejects.toEqual(
      expect.objectContaining({ status: 409, scimType: "uniqueness" }),
    );
    expect(await repository.count("t1")).toBe(1);
  });
});
