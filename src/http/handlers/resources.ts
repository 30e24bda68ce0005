import type { HttpResponseInit } from "@azure/functions";
import type { AppServices } from "../../app/composition";
import { ScimError, unsupported } from "../../scim/errors";
import { etagMatches } from "../../scim/etag";
import { project, returnsDefault, type AttributeSelection } from "../../scim/projection";
import type { ResourceType } from "../../scim/schema/resourceType";
import type { ResourceOperations } from "../../service/resourceOperations";
import type { ResourceResult } from "../../service/resourceService";
import { readJsonBody } from "../body";
import type { ScimCall, ScimOperation } from "../endpoint";
import { projectionOf, queryOptions } from "../query";
import { scimResponse, scimStreamResponse } from "../response";
import { jsonWithStreamedArray } from "../streamedJson";

interface ResourceEndpoint {
  readonly type: ResourceType;
  readonly service: (services: AppServices) => ResourceOperations;
  /** Entra expects 204 for group PATCH ("returning all members isn't advisable") and 200 + resource for users. */
  readonly patchReturnsContent: boolean;
}

function needsId(call: ScimCall): string {
  if (call.id === undefined)
    throw new ScimError(405, `${call.request.method} needs a resource id in the URL.`);
  return call.id;
}

function ifMatch(call: ScimCall): string | undefined {
  return call.request.headers.get("if-match") ?? undefined;
}

function withResource(
  status: number,
  result: ResourceResult,
  projection: AttributeSelection,
): HttpResponseInit {
  const resource = project(result.resource, projection);
  const headers: Record<string, string> = { ETag: result.version };
  if (status === 201) headers.Location = result.location;
  const streamed = result.streamed;
  if (streamed && returnsDefault(projection, streamed.attribute)) {
    return scimStreamResponse(
      status,
      jsonWithStreamedArray(resource, streamed.attribute, streamed.pages),
      headers,
    );
  }
  return scimResponse(status, resource, headers);
}

/** GET, POST, PUT, PATCH and DELETE on /Users or /Groups, and POST /.search. */
export function resourceOperation(endpoint: ResourceEndpoint): ScimOperation {
  const { type } = endpoint;
  return async (call) => {
    const service = endpoint.service(call.services);
    const { request, scope, id } = call;
    const tenantType = scope.types?.[type.name] ?? type;
    // Parsed once, before any work: a response of a thousand resources projects each with it.
    const projection = projectionOf(request.query, tenantType);
    switch (request.method.toUpperCase()) {
      case "GET": {
        if (id === undefined)
          return scimResponse(200, await service.query(scope, queryOptions(request.query, projection)));
        const result = await service.get(scope, id, projection);
        const ifNoneMatch = request.headers.get("if-none-match");
        if (ifNoneMatch !== null && etagMatches(ifNoneMatch, result.version)) {
          return scimResponse(304, undefined, { ETag: result.version });
        }
        return withResource(200, result, projection);
      }
      case "POST": {
        if (id === ".search") {
          const options = searchOptions(await readJsonBody(request), tenantType);
          return scimResponse(200, await service.query(scope, options));
        }
        if (id !== undefined)
          throw new ScimError(405, "POST creates resources on the collection URL, without an id.");
        return withResource(201, await service.create(scope, await readJsonBody(request)), projection);
      }
      case "PUT":
        return withResource(
          200,
          await service.replace(scope, needsId(call), await readJsonBody(request), ifMatch(call)),
          projection,
        );
      case "PATCH": {
        const result = await service.patch(scope, needsId(call), await readJsonBody(request), ifMatch(call));
        if (result && endpoint.patchReturnsContent) return withResource(200, result, projection);
        return scimResponse(204, undefined, result ? { ETag: result.version } : {});
      }
      case "DELETE":
        await service.delete(scope, needsId(call), ifMatch(call));
        return scimResponse(204);
      default:
        throw new ScimError(405, `${request.method} is not supported on ${type.endpoint}.`);
    }
  };
}

/** The body of POST /.search (RFC 7644 §3.4.3) carries the query parameters. */
function searchOptions(body: unknown, type: ResourceType) {
  const params = new URLSearchParams();
  if (typeof body === "object" && body !== null) {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string" || typeof value === "number") params.set(key, String(value));
      else if (Array.isArray(value))
        params.set(key, value.filter((item) => typeof item === "string").join(","));
    }
  }
  return queryOptions(params, projectionOf(params, type));
}

/**
 * POST {Tenant URL}/.search (RFC 7644 §3.4.3, a search across resource types): not implemented,
 * and said so with 501 as RFC 7644 §3.2 allows. Entra never sends it; /Users/.search and
 * /Groups/.search answer every query it could carry.
 */
export const rootSearch: ScimOperation = () =>
  Promise.reject(
    unsupported(
      "Searching across resource types is not implemented; POST the search to /Users/.search or /Groups/.search.",
    ),
  );
