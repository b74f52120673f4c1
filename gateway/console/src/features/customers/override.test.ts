import { describe, expect, it } from "vitest";

import { addDays, checkOverride, expireTime, overrideField } from "./override";

describe("the manual tier's form", () => {
  const today = "2026-12-05";

  it("wants a tier, a reason and an end date after today", () => {
    expect(checkOverride({}, today)).toEqual({ tier: "required", reason: "required", expireDate: "required" });
    expect(checkOverride({ tier: "tiers/gold", reason: "   ", expireDate: today }, today)).toEqual({ reason: "required", expireDate: "future" });
    expect(checkOverride({ tier: "tiers/gold", reason: "总行特批", expireDate: "2026-12-04" }, today)).toEqual({ expireDate: "future" });
    expect(checkOverride({ tier: "tiers/gold", reason: "总行特批", expireDate: "2026/12/31" }, today)).toEqual({ expireDate: "future" });
    expect(checkOverride({ tier: "tiers/gold", reason: "总行特批", expireDate: "2026-12-06" }, today)).toEqual({});
  });

  it("defaults to 90 days ahead across months and years, and ends on the chosen day in China Standard Time", () => {
    expect(addDays(today, 90)).toBe("2027-03-05");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(expireTime("2027-03-05")).toBe("2027-03-05T15:59:59.000Z");
  });

  it("places the API's violations on the form's fields", () => {
    expect(overrideField({ field: "tier_override.expire_time", description: "" })).toBe("expireDate");
    expect(overrideField({ field: "tier_override.reason", description: "" })).toBe("reason");
    expect(overrideField({ field: "tier_override.tier", description: "" })).toBe("tier");
    expect(overrideField({ field: "parent", description: "" })).toBeUndefined();
  });
});
