import { EVENT_TYPES } from "../../../src/events/eventTypes";
import { EVENT_TYPES as PAGE_EVENT_TYPES } from "../../../portal/scripts/eventTypes";

describe("the portal page's webhook event types", () => {
  it("are the connector's, in its order", () => {
    expect(PAGE_EVENT_TYPES).toEqual(EVENT_TYPES);
  });
});
