import { describe, expect, it } from "vitest";
import { cleanFileName, sniffMediaFormat } from "./media-kind";

const bytes = (...parts: (number[] | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("sniffMediaFormat", () => {
  it("tells the formats a post may carry by their first bytes", () => {
    expect(sniffMediaFormat(bytes([0xff, 0xd8, 0xff, 0xe0], [0, 0, 0, 0, 0, 0, 0, 0]))).toBe("jpeg");
    expect(sniffMediaFormat(bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13]))).toBe("png");
    expect(sniffMediaFormat(bytes("GIF89a", [0, 0, 0, 0, 0, 0]))).toBe("gif");
    expect(sniffMediaFormat(bytes("RIFF", [0, 0, 0, 0], "WEBP"))).toBe("webp");
    expect(sniffMediaFormat(bytes([0, 0, 0, 0x20], "ftyp", "isom"))).toBe("mp4");
    expect(sniffMediaFormat(bytes([0, 0, 0, 0x14], "ftyp", "qt  "))).toBe("mov");
  });

  it("refuses what is none of them, whatever its name", () => {
    expect(sniffMediaFormat(bytes("<!DOCTYPE html><html>"))).toBeNull();
    expect(sniffMediaFormat(bytes("%PDF-1.7 and more"))).toBeNull();
    expect(sniffMediaFormat(bytes([0xff, 0xd8]))).toBeNull();
  });

  it("keeps only a file name's last part, without path or control characters", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\Users\\marie\\infographie taxe.png")).toBe("infographie taxe.png");
    expect(cleanFileName("..\u0000")).toBe("file");
    expect(cleanFileName("a<b>c?.jpg")).toBe("abc.jpg");
  });
});
