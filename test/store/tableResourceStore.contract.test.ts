import { userKind } from "../../src/store/resourceKinds";
import { TableResourceStore } from "../../src/store/tableResourceStore";
import { describeUserRepositoryContract } from "../service/resourceRepositoryContract";
import { createTestServices } from "../support/testServices";

describeUserRepositoryContract("Table Storage (Azurite)", async () => {
  const services = await createTestServices();
  return new TableResourceStore(services.tables.resources, userKind);
});
