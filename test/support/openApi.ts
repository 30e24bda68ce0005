import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

const DOCUMENT_ID = "app-api";

interface Operation {
  readonly responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

/** The application API's OpenAPI document (docs/app-api.openapi.json), with a validator for its responses. */
export function loadAppApiSpec() {
  const document = JSON.parse(readFileSync(join(__dirname, "../../docs/app-api.openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  // Compiling every component up front fails on a broken schema or a dangling $ref.
  for (const name of Object.keys(document.components.schemas)) {
    ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`);
  }

  /** The errors of `body` against the documented response of `path` (a template) for `status`; [] when valid. */
  function problems(path: string, status: number, body: unknown, method = "get"): string[] {
    const operation = document.paths[path]?.[method];
    if (!operation) return [`${path} is not documented`];
    const ref = operation.responses[String(status)]?.content?.["application/json"]?.schema?.$ref;
    if (!ref) return [`${path} documents no ${status} response`];
    const validate = ajv.getSchema(`${DOCUMENT_ID}${ref}`);
    if (!validate) return [`${ref} does not resolve`];
    return validate(body)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""}`);
  }

  return { document, problems };
}
