import { RestError } from "@azure/data-tables";

/**
 * The status a store method acts on. A missing table (deleted by an operator, a wrong setting) is a
 * 404 too, but a storage fault, never "no such resource": it reads as 503.
 */
export function statusOf(error: unknown): number | undefined {
  if (!(error instanceof RestError)) return undefined;
  if (error.statusCode === 404 && isTableNotFound(error)) return 503;
  return error.statusCode;
}

// Azure sets `code`; Azurite's JSON error body sometimes reaches only the message.
function isTableNotFound(error: RestError): boolean {
  return error.code === "TableNotFound" || error.message.includes('"code":"TableNotFound"');
}

/** Index of the failing action in a transaction error ("3:The specified entity already exists."). */
export function failedActionIndex(error: unknown): number | undefined {
  if (!(error instanceof RestError)) return undefined;
  const match = /^(\d+):/.exec(error.message) ?? /"message":\{[^}]*"value":"(\d+):/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
