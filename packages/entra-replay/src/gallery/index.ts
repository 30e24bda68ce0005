import type { Exchange } from "../client";
import type { ReplayContext } from "../steps/context";
import type { GalleryStep } from "./fixtures";
import { CORE_GROUP } from "../urns";
import * as updates from "./attributeUpdates";
import * as compliance from "./complianceTests";
import { federatedIdentity, validateCredentials, type OAuthSettings } from "./credentials";
import * as groups from "./groupTests";
import * as pagination from "./pagination";
import { hasSchema } from "./schemaAttributes";
import * as users from "./userTests";

export type { OAuthSettings } from "./credentials";

/**
 * Microsoft's 25 gallery validation tests (the SCIM validation Logic App), each a step named
 * as Microsoft names it. Optional tests that fail are warnings, as in Microsoft's result.
 */

type Needs = "groups" | "manager";

interface GalleryDefinition {
  readonly name: string;
  readonly mandatory: boolean;
  readonly needs?: Needs;
  readonly run: GalleryStep;
}

function galleryDefinitions(oauth: OAuthSettings): readonly GalleryDefinition[] {
  return [
    { name: "Create_User_Test", mandatory: true, run: users.createUser },
    { name: "Update_User_Test", mandatory: true, run: users.updateUser },
    { name: "Disable_User_Test", mandatory: true, run: users.disableUser },
    { name: "Delete_User_Test", mandatory: false, run: users.deleteUser },
    { name: "User_Update_Manager_Test", mandatory: true, needs: "manager", run: users.updateManager },
    { name: "Restore_User_Test", mandatory: true, run: users.restoreUser },
    { name: "POD_User_Test", mandatory: true, run: users.provisionUserOnDemand },
    { name: "Create_Group_Test", mandatory: true, needs: "groups", run: groups.createGroup },
    { name: "Update_Group_Test", mandatory: true, needs: "groups", run: groups.updateGroup },
    { name: "Delete_Group_Test", mandatory: false, needs: "groups", run: groups.deleteGroup },
    { name: "Group_Update_Add_Member_Test", mandatory: true, needs: "groups", run: groups.addMember },
    { name: "Group_Update_Remove_Member_Test", mandatory: true, needs: "groups", run: groups.removeMember },
    { name: "POD_Group_Test", mandatory: true, needs: "groups", run: groups.provisionGroupOnDemand },
    { name: "Restore_Group_Test", mandatory: false, needs: "groups", run: groups.restoreGroup },
    { name: "Schema_Discoverability_Test", mandatory: true, run: compliance.schemaDiscoverability },
    { name: "SCIM_Null_Update_Test", mandatory: true, run: compliance.nullUpdate },
    { name: "SCIM_User_Create_Test", mandatory: true, run: compliance.userCreate },
    { name: "SCIM_User_Update_Test", mandatory: true, run: updates.userUpdate },
    { name: "SCIM_Group_Create_Test", mandatory: true, needs: "groups", run: compliance.groupCreate },
    { name: "SCIM_Group_Update_Test", mandatory: true, needs: "groups", run: updates.groupUpdate },
    { name: "Validate_Credentials_Test", mandatory: true, run: validateCredentials(oauth) },
    { name: "Federated_Identity_Test", mandatory: true, run: federatedIdentity(oauth) },
    { name: "SCIM_User_Pagination_Test", mandatory: true, run: pagination.userPagination },
    {
      name: "SCIM_Group_Pagination_Test",
      mandatory: false,
      needs: "groups",
      run: pagination.groupPagination,
    },
    { name: "SCIM_Update_Manager_Test", mandatory: true, needs: "manager", run: compliance.directManager },
  ];
}

/** The gallery tests as replay steps; /Schemas is read once and decides what applies. */
export function galleryTests(oauth: OAuthSettings): ((context: ReplayContext) => Promise<void>)[] {
  let schemas: Promise<Exchange> | undefined;
  return galleryDefinitions(oauth).map((test) => async (context: ReplayContext) => {
    const step = context.recorder.step(`Microsoft gallery test ${test.name}`, {
      gallery: { name: test.name, mandatory: test.mandatory },
    });
    schemas ??= context.client.get("/Schemas");
    const discovered = await schemas;
    if (test.needs === "groups" && !hasSchema(discovered.json, CORE_GROUP)) {
      step.check("/Schemas returns the Group schema (group provisioning is mandatory)", false, {
        exchange: discovered,
      });
      return;
    }
    if (test.needs === "manager" && !users.offersManager(discovered.json)) {
      step.skip("the target's /Schemas has no enterprise manager attribute");
      return;
    }
    await test.run(context, step, discovered);
  });
}
