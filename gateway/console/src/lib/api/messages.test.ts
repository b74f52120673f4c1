import { describe, expect, it } from "vitest";

import { ApiError, inLanguage } from "./client";

describe("inLanguage", () => {
  it("takes the console's language from a zh-CN (English) message", () => {
    expect(inLanguage("至少10个字符 (at least 10 characters)", "zh-CN")).toBe("至少10个字符");
    expect(inLanguage("至少10个字符 (at least 10 characters)", "en-US")).toBe("at least 10 characters");
    expect(inLanguage("机构 orgUnits/0001 不存在 (no such org unit)", "zh-CN")).toBe("机构 orgUnits/0001 不存在");
  });

  it("leaves other messages whole", () => {
    expect(inLanguage("HTTP 502", "zh-CN")).toBe("HTTP 502");
    expect(inLanguage("资产规模（万元）", "en-US")).toBe("资产规模（万元）");
    expect(inLanguage("only English (with a note)", "zh-CN")).toBe("only English (with a note)");
  });

  it("applies to an API error's message and its field violations", () => {
    const error = new ApiError(400, {
      error: {
        message: "请求参数有误 (invalid argument)",
        status: "INVALID_ARGUMENT",
        details: [
          {
            fieldViolations: [
              { field: "new_password", description: "至少10个字符 (at least 10 characters)" },
              { field: "new_password", description: "需包含大写字母、小写字母、数字、符号中的至少三类 (three of: upper case, lower case, digits, symbols)" },
            ],
          },
        ],
      },
    });
    expect(error.message).toBe("请求参数有误");
    expect(error.violations.map((v) => v.description)).toEqual(["至少10个字符", "需包含大写字母、小写字母、数字、符号中的至少三类"]);
  });
});
