import { describe, expect, it } from "vitest";

import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_MAX_COUNT,
  attachmentProblem,
  base64ToBytes,
  bytesToBase64,
  downloadedFile,
  eachInTurn,
  fileContent,
  formatBytes,
} from "./attachments";

describe("attachments", () => {
  it("refuses what the API would before sending it", () => {
    expect(attachmentProblem({ name: "年终安排.PDF", size: 1000 }, 0)).toBeNull();
    expect(attachmentProblem({ name: "名单.csv", size: ATTACHMENT_MAX_BYTES }, 9)).toBeNull();
    expect(attachmentProblem({ name: "大.pdf", size: ATTACHMENT_MAX_BYTES + 1 }, 0)).toBe("tooLarge");
    expect(attachmentProblem({ name: "空.txt", size: 0 }, 0)).toBe("empty");
    expect(attachmentProblem({ name: "setup.exe", size: 10 }, 0)).toBe("type");
    expect(attachmentProblem({ name: "README", size: 10 }, 0)).toBe("type");
    expect(attachmentProblem({ name: "a.pdf", size: 10 }, ATTACHMENT_MAX_COUNT)).toBe("tooMany");
  });

  it("formats sizes and round-trips bytes through base64", async () => {
    expect(formatBytes(932)).toBe("932 B");
    expect(formatBytes("3584")).toBe("3.5 KB");
    expect(formatBytes(ATTACHMENT_MAX_BYTES)).toBe("10 MB");
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(bytesToBase64(new TextEncoder().encode("通知"))).toBe(btoa(String.fromCharCode(...new TextEncoder().encode("通知"))));
    expect(await fileContent(new Blob([bytes]))).toBe(bytesToBase64(bytes));
  });

  it("turns a download's answer into a file of its type", async () => {
    const got = downloadedFile({ attachment: { fileName: "纪要.pdf", contentType: "application/pdf" }, content: bytesToBase64(new Uint8Array([37, 80, 68, 70])) });
    expect(got.fileName).toBe("纪要.pdf");
    expect(got.blob.type).toBe("application/pdf");
    expect(new Uint8Array(await got.blob.arrayBuffer())).toEqual(new Uint8Array([37, 80, 68, 70]));
    const bare = downloadedFile({});
    expect(bare.fileName).toBe("attachment");
    expect(bare.blob.type).toBe("application/octet-stream");
  });

  it("sends one at a time and names each failure, the others still going", async () => {
    const sent: string[] = [];
    const failures = await eachInTurn(["a.pdf", "b.pdf", "c.pdf"], (name) => `${name}!`, async (name) => {
      sent.push(name);
      if (name === "b.pdf") throw new Error("too large");
    });
    expect(sent).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
    expect(failures).toEqual([{ fileName: "b.pdf!", error: new Error("too large") }]);
  });
});
