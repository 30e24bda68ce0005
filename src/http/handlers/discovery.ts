import { notFound } from "../../scim/errors";
import { resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from "../../scim/discovery";
import { listResponse } from "../../scim/listResponse";
import type { ResourceType } from "../../scim/schema/resourceType";
import { builtInTypes } from "../../scim/schema/tenantSchema";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../service/resourceQuery";
import { MAX_BODY_BYTES } from "../body";
import type { ScimOperation } from "../endpoint";
import { scimResponse } from "../response";

export const getServiceProviderConfig: ScimOperation = ({ scope }) =>
  Promise.resolve(
    scimResponse(
      200,
      serviceProviderConfig(scope.baseUrl, {
        maxResults: MAX_PAGE_SIZE,
        defaultPageSize: DEFAULT_PAGE_SIZE,
        maxPayloadSize: MAX_BODY_BYTES,
      }),
    ),
  );

type Documents = (baseUrl: string, resourceTypes?: readonly ResourceType[]) => Record<string, unknown>[];

/**
 * A discovery collection as a ListResponse, or one member of it by id (case-insensitive), built
 * from the tenant's resource types: its declared extensions are listed, another tenant's never.
 */
function collection(documents: Documents, what: string): ScimOperation {
  return ({ scope, id }) => {
    const types = scope.types ?? builtInTypes;
    const all = documents(scope.baseUrl, [types.User, types.Group]);
    if (id === undefined) return Promise.resolve(scimResponse(200, listResponse(all, all.length, 1)));
    const one = all.find((document) => String(document.id).toLowerCase() === id.toLowerCase());
    if (!one) throw notFound(`No ${what} '${id}'.`);
    return Promise.resolve(scimResponse(200, one));
  };
}

export const getResourceTypes = collection(resourceTypeDocuments, "resource type");
export const getSchemas = collection(schemaDocuments, "schema");
