import { ScimError } from "../../../src/scim/errors";
import { matchesFilter, validateFilterPaths } from "../../../src/scim/filter/evaluate";
import { parseFilter } from "../../../src/scim/filter/parser";
import type { AttributeDefinition, AttributeResolver } from "../../../src/scim/schema/types";
import { CORE_USER, ENTERPRISE_USER, fixtureResolver } from "./fixtureResolver";

/** A user for the cases where filter libraries go wrong (docs/entra-behaviour.md#filters-where-libraries-go-wrong), and more. */
const bjensen = {
  schemas: [CORE_USER, ENTERPRISE_USER],
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen",
  userName: "Bjensen@Example.com",
  displayName: "Babs Jensen",
  title: "Tour Guide",
  active: true,
  name: { givenName: "Barbara", familyName: "Jensen", formatted: "Ms. Barbara J Jensen III" },
  emails: [
    { type: "work", value: "b@x.com", primary: true },
    { type: "home", value: "h@y.com" },
  ],
  addresses: [
    { type: "work", streetAddress: "100 Universal City Plaza", locality: "Hollywood", country: "USA" },
  ],
  meta: { created: "2010-01-23T04:56:22Z", lastModified: "2011-05-13T04:42:34Z" },
  groups: [{ value: "e9e30dba", display: "Tour Guides" }],
  [ENTERPRISE_USER]: {
    employeeNumber: "701984",
    department: "Tour Operations",
    manager: { value: "m1", $ref: "../Users/m1", displayName: "John Smith" },
  },
};

const matches = (filter: string, resource: Record<string, unknown> = bjensen) =>
  matchesFilter(parseFilter(filter), resource, fixtureResolver);

const ENTERPRISE_PREFIX = `${ENTERPRISE_USER}:`;

describe("matchesFilter", () => {
  describe("cases where npm filter libraries go wrong", () => {
    it.each([
      ['userName eq "bjensen@example.com"', true],
      ['USERNAME eq "Bjensen@Example.com"', true],
      ['userName sw "bjen"', true],
      ['emails[type eq "work" and value co "@x"]', true],
      ['emails[type eq "work"].value eq "b@x.com"', true],
      [`${ENTERPRISE_PREFIX}employeeNumber eq "701984"`, true],
      [`${CORE_USER}:userName eq "Bjensen@Example.com"`, true],
      ["not (active eq false)", true],
      ['title pr or (externalId eq "abc" and active eq true)', true],
    ])("%s => %s", (filter, expected) => {
      expect(matches(filter)).toBe(expected);
    });

    it('emails[type eq "work"].value eq "b@x.com" is false when b@x.com is the home address', () => {
      const swapped = {
        ...bjensen,
        emails: [
          { type: "work", value: "a@x.com" },
          { type: "home", value: "b@x.com" },
        ],
      };
      expect(matches('emails[type eq "work"].value eq "b@x.com"', swapped)).toBe(false);
      expect(matches('emails[type eq "home"].value eq "b@x.com"', swapped)).toBe(true);
    });

    it('title pr or (externalId eq "abc" and active eq true) through its second branch', () => {
      const untitled = { ...bjensen, title: undefined, externalId: "abc" };
      expect(matches('title pr or (externalId eq "abc" and active eq true)', untitled)).toBe(true);
      expect(
        matches('title pr or (externalId eq "abc" and active eq true)', { ...untitled, active: false }),
      ).toBe(false);
    });
  });

  describe("Entra's wire forms", () => {
    it.each([
      ['userName eq "BJENSEN@example.com"', true],
      ['userName eq "cf4d78e8-cc4f-4d5d-b8b9-183561c0104a"', false],
      ['externalId eq "bjensen"', true],
      ["externalId eq bjensen", true],
      ['emails[type eq "work"].value eq "B@X.com"', true],
      ['emails[type eq "work"].value eq "h@y.com"', false],
      ['id eq "2819c223-7f76-453a-919d-413861904646" and manager eq "m1"', true],
      ['id eq "2819c223-7f76-453a-919d-413861904646" and manager eq "m2"', false],
      [`${ENTERPRISE_PREFIX}manager.value eq "m1"`, true],
      ['displayName eq "babs jensen"', true],
    ])("%s => %s", (filter, expected) => {
      expect(matches(filter)).toBe(expected);
    });
  });

  describe("attribute names", () => {
    it("are resolved case-insensitively, including sub-attributes and URNs", () => {
      expect(matches('EMAILS[TYPE eq "work"].VALUE eq "b@x.com"')).toBe(true);
      expect(matches('Name.GivenName eq "barbara"')).toBe(true);
      expect(matches(`${ENTERPRISE_USER.toUpperCase()}:EmployeeNumber eq "701984"`)).toBe(true);
    });

    it("find extension attributes only under the extension's URN key", () => {
      const misplaced = { ...bjensen, employeeNumber: "701984", [ENTERPRISE_USER]: {} };
      expect(matches('employeeNumber eq "701984"', misplaced)).toBe(false);
      expect(matches('employeeNumber eq "701984"')).toBe(true);
    });

    it("reach $ref", () => {
      expect(matches('manager.$ref eq "../Users/m1"')).toBe(true);
      expect(matches("manager.$ref pr")).toBe(true);
    });
  });

  describe("caseExact", () => {
    it("ignores case when the attribute is not caseExact", () => {
      expect(matches('userName eq "BJENSEN@EXAMPLE.COM"')).toBe(true);
      expect(matches('userName co "EXAMPLE"')).toBe(true);
      expect(matches('userName ew ".COM"')).toBe(true);
      expect(matches('userName ne "bjensen@example.com"')).toBe(false);
    });

    it("respects case when the attribute is caseExact", () => {
      expect(matches('externalId eq "BJENSEN"')).toBe(false);
      expect(matches('externalId ne "BJENSEN"')).toBe(true);
      expect(matches('id sw "2819C223"')).toBe(false);
    });
  });

  describe("operators", () => {
    it("co, sw and ew on strings", () => {
      expect(matches('title co "our G"')).toBe(true);
      expect(matches('title sw "Tour"')).toBe(true);
      expect(matches('title ew "guide"')).toBe(true);
      expect(matches('title sw "Guide"')).toBe(false);
    });

    it("orders strings lexicographically", () => {
      expect(matches('displayName gt "Babs"')).toBe(true);
      expect(matches('displayName ge "babs jensen"')).toBe(true);
      expect(matches('displayName lt "Babs"')).toBe(false);
      expect(matches('displayName le "c"')).toBe(true);
    });

    it("booleans support only eq and ne", () => {
      expect(matches("active eq true")).toBe(true);
      expect(matches("active ne false")).toBe(true);
      expect(matches("active eq false")).toBe(false);
      for (const op of ["gt", "ge", "lt", "le", "co", "sw", "ew"]) {
        expect(matches(`active ${op} true`)).toBe(false);
        expect(matches(`active ${op} false`)).toBe(false);
      }
    });

    it("does not mix types", () => {
      expect(matches('active eq "true"')).toBe(false);
      expect(matches("externalId eq 701984")).toBe(false);
      expect(matches(`${ENTERPRISE_PREFIX}employeeNumber eq 701984`)).toBe(false);
      expect(matches('active co "t"')).toBe(false);
    });

    it("compares dateTimes as instants", () => {
      expect(matches('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
      expect(matches('meta.lastModified gt "2011-05-13T04:42:33.999Z"')).toBe(true);
      expect(matches('meta.lastModified ge "2011-05-13T04:42:34.000Z"')).toBe(true);
      expect(matches('meta.lastModified lt "2011-05-13T04:42:34Z"')).toBe(false);
      expect(matches('meta.created le "2011-01-01T00:00:00Z"')).toBe(true);
    });

    it("does not match dateTimes against invalid instants or with substring operators", () => {
      expect(matches('meta.lastModified gt "yesterday"')).toBe(false);
      expect(matches('meta.lastModified ne "yesterday"')).toBe(true);
      expect(matches('meta.created sw "2010"')).toBe(false);
      expect(matches('meta.created gt "2000-01-01"', { ...bjensen, meta: { created: "not a date" } })).toBe(
        false,
      );
    });

    it("compares integers and decimals as numbers", () => {
      const number = (name: string, type: "integer" | "decimal"): AttributeDefinition => ({
        name,
        type,
        multiValued: false,
        description: "",
        required: false,
        caseExact: false,
        mutability: "readWrite",
        returned: "default",
        uniqueness: "none",
      });
      const definitions = [number("loginCount", "integer"), number("score", "decimal")];
      const resolver: AttributeResolver = {
        resolve: (path) => {
          const attribute = definitions.find((definition) => definition.name === path.attribute);
          return attribute && { schema: CORE_USER, core: true, attribute };
        },
      };
      const resource = { loginCount: 10, score: 2.5 };
      const check = (filter: string) => matchesFilter(parseFilter(filter), resource, resolver);
      expect(check("loginCount eq 10")).toBe(true);
      expect(check("loginCount eq 1e1")).toBe(true);
      expect(check("loginCount gt 9")).toBe(true);
      expect(check("loginCount lt 9")).toBe(false);
      expect(check("score ge 2.5")).toBe(true);
      expect(check("score le -1")).toBe(false);
      expect(check('score eq "2.5"')).toBe(false);
      expect(check("score co 2")).toBe(false);
    });
  });

  describe("multi-valued attributes", () => {
    it("match when any element matches", () => {
      expect(matches('emails.value eq "h@y.com"')).toBe(true);
      expect(matches('emails.type eq "work"')).toBe(true);
      expect(matches('emails.value ew "@z.com"')).toBe(false);
    });

    it("compare a complex attribute without a sub-attribute through its value", () => {
      expect(matches('emails eq "h@y.com"')).toBe(true);
      expect(matches('emails co "@x."')).toBe(true);
      expect(matches('groups eq "E9E30DBA"')).toBe(true);
      expect(matches('manager eq "m1"')).toBe(true);
      expect(matches('manager eq "John Smith"')).toBe(false);
    });

    it("ne means no element is equal", () => {
      expect(matches('emails.type ne "work"')).toBe(false);
      expect(matches('emails.type ne "other"')).toBe(true);
      expect(matches('emails ne "b@x.com"')).toBe(false);
    });

    it("keep valuePath conditions on the same element", () => {
      expect(matches('emails[type eq "work" and value eq "h@y.com"]')).toBe(false);
      expect(matches('emails[type eq "home" and value eq "h@y.com"]')).toBe(true);
      expect(matches('emails[type eq "home" and primary eq true]')).toBe(false);
      expect(matches('emails[type eq "work" and primary eq true]')).toBe(true);
      expect(matches('emails[type eq "work"].primary eq true')).toBe(true);
      expect(matches('emails[not (type eq "work")].value pr')).toBe(true);
      expect(matches('addresses[type eq "work"].locality eq "hollywood"')).toBe(true);
    });

    it("apply a valuePath to a single-valued complex attribute as one element", () => {
      expect(matches('name[givenName eq "Barbara" and familyName sw "J"]')).toBe(true);
      expect(matches(`${ENTERPRISE_PREFIX}manager[value eq "m1"].displayName co "smith"`)).toBe(true);
    });

    it("skip elements that are not objects", () => {
      const odd = { ...bjensen, emails: ["b@x.com", null, { type: "work", value: "w@x.com" }] };
      expect(matches('emails[type eq "work"].value eq "w@x.com"', odd)).toBe(true);
      expect(matches('emails.value eq "b@x.com"', odd)).toBe(false);
    });

    it("do not match a valuePath on an absent attribute", () => {
      expect(matches('phoneNumbers[type eq "mobile"]')).toBe(false);
      expect(matches('phoneNumbers[type eq "mobile"].value pr')).toBe(false);
    });
  });

  describe("presence and null", () => {
    it.each([
      ["title", "Tour Guide", true],
      ["title", "", false],
      ["title", null, false],
      ["title", undefined, false],
      ["emails", [], false],
      ["emails", [{ value: "" }], false],
      ["emails", [{ type: "work" }], true],
      ["name", {}, false],
      ["name", { givenName: "" }, false],
      ["name", { givenName: "Barbara" }, true],
      ["active", false, true],
    ])("%s = %j: pr is %s", (attribute, value, present) => {
      const resource = { ...bjensen, [attribute]: value };
      expect(matches(`${attribute} pr`, resource)).toBe(present);
      expect(matches(`${attribute} eq null`, resource)).toBe(!present);
      expect(matches(`${attribute} ne null`, resource)).toBe(present);
    });

    it("never matches an ordering or substring comparison with null", () => {
      expect(matches("title gt null")).toBe(false);
      expect(matches("title co null")).toBe(false);
      expect(matches("nickName gt null")).toBe(false);
    });

    it("tests a sub-attribute's presence across elements", () => {
      expect(matches("emails.primary pr")).toBe(true);
      expect(matches("phoneNumbers.value pr")).toBe(false);
      expect(matches(`${ENTERPRISE_PREFIX}manager.displayName pr`)).toBe(true);
      expect(matches(`${ENTERPRISE_PREFIX}manager.value pr`, { ...bjensen, [ENTERPRISE_USER]: {} })).toBe(
        false,
      );
    });
  });

  describe("logic", () => {
    it("not negates", () => {
      expect(matches('not (userName eq "bjensen@example.com")')).toBe(false);
      expect(matches("not (nickName pr)")).toBe(true);
    });

    it("honours precedence", () => {
      expect(matches('title pr or externalId eq "zzz" and active eq false')).toBe(true);
      expect(matches('(title pr or externalId eq "zzz") and active eq false')).toBe(false);
      expect(matches('not (title pr) or userName sw "b" and active eq true')).toBe(true);
      expect(matches('not (title pr or userName sw "b") and active eq true')).toBe(false);
    });
  });

  describe("unknown attributes", () => {
    it("make the comparison false instead of throwing", () => {
      expect(matches('nickName eq "Babs"')).toBe(false);
      expect(matches("nickName pr")).toBe(false);
      expect(matches('name.nickName eq "x"')).toBe(false);
      expect(matches('emails[typo eq "work"]')).toBe(false);
      expect(matches('urn:example:Nope:userName eq "Bjensen@Example.com"')).toBe(false);
      expect(matches('not (nickName eq "Babs")')).toBe(true);
      expect(matches('nickName eq "x" or userName pr')).toBe(true);
    });
  });
});

describe("validateFilterPaths", () => {
  const rejection = (filter: string): ScimError => {
    try {
      validateFilterPaths(parseFilter(filter), fixtureResolver);
    } catch (error) {
      if (error instanceof ScimError) return error;
      throw error;
    }
    throw new Error(`expected "${filter}" to be rejected`);
  };

  it("accepts filters whose attributes all resolve", () => {
    for (const filter of [
      'userName eq "x" and not (Title pr) or meta.lastModified gt "2020-01-01T00:00:00Z"',
      'emails[type eq "work"].value eq "x"',
      `${ENTERPRISE_PREFIX}manager.$ref pr and manager eq "m1"`,
      `${CORE_USER}:emails[Type eq "work" or primary eq true]`,
    ]) {
      expect(() => {
        validateFilterPaths(parseFilter(filter), fixtureResolver);
      }).not.toThrow();
    }
  });

  it.each([
    ['userName eq "x" and nickName pr', "nickName"],
    ['not (name.nickName eq "x")', "name.nickName"],
    ['urn:example:Nope:userName eq "x"', "urn:example:Nope:userName"],
    ['phones[type eq "work"]', "phones"],
    ['emails[type eq "work"].address eq "x"', "emails.address"],
    [`${CORE_USER}:emails[kind eq "work"]`, `${CORE_USER}:emails.kind`],
    ['userName[value eq "x"]', "userName.value"],
  ])("rejects %s, naming %s", (filter, name) => {
    expect(rejection(filter)).toMatchObject({
      status: 400,
      scimType: "invalidFilter",
      detail: `Unknown attribute "${name}" in filter`,
    });
  });
});
