import type { AttributeDefinition, AttributeType } from "./types";

type Options = Partial<Omit<AttributeDefinition, "name" | "type" | "description">>;

/** An attribute with RFC 7643 §2.2 defaults, so schema files list only what differs. */
export function attribute(
  name: string,
  type: AttributeType,
  description: string,
  options: Options = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...options,
  };
}

export function complex(
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  options: Options = {},
): AttributeDefinition {
  return attribute(name, "complex", description, { ...options, subAttributes });
}

/** The usual shape of a multi-valued attribute: value, display, type, primary. */
export function multiValued(
  name: string,
  description: string,
  canonicalTypes: readonly string[],
  extraSubAttributes: readonly AttributeDefinition[] = [],
  valueType: AttributeType = "string",
  valueReferenceTypes?: readonly string[],
): AttributeDefinition {
  return complex(
    name,
    description,
    [
      attribute("value", valueType, `The value of the ${name} entry.`, {
        ...(valueReferenceTypes ? { referenceTypes: valueReferenceTypes } : {}),
      }),
      attribute("display", "string", "A human-readable name, primarily used for display purposes."),
      attribute("type", "string", `A label indicating the ${name} entry's function.`, {
        canonicalValues: canonicalTypes,
      }),
      attribute("primary", "boolean", "Indicates the primary or preferred value of this attribute."),
      ...extraSubAttributes,
    ],
    { multiValued: true },
  );
}
