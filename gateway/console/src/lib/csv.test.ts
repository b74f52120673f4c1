import { describe, expect, it } from "vitest";

import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes cells holding commas, quotes or line breaks", () => {
    expect(toCsv(["客户", "金额"], [["张三, 李四", "¥1,000.00"], ['说"好"', "x\ny"]])).toBe(
      '客户,金额\r\n"张三, 李四","¥1,000.00"\r\n"说""好""","x\ny"',
    );
  });
});
