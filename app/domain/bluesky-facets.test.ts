import { describe, expect, it } from "vitest";
import { detectFacets } from "./bluesky-facets";

const spans = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  return detectFacets(text).map((f) => [f.kind, f.value, new TextDecoder().decode(bytes.subarray(f.index.byteStart, f.index.byteEnd))]);
};

describe("Bluesky facets", () => {
  it("finds links without trailing punctuation, keeps a link's own parentheses, and gives each occurrence its own range", () => {
    expect(spans("Voir https://fr.wikipedia.org/wiki/Impôt_(Belgique). Et (https://x.be/a), puis https://x.be/a!")).toEqual([
      ["link", "https://fr.wikipedia.org/wiki/Impôt_(Belgique)", "https://fr.wikipedia.org/wiki/Impôt_(Belgique)"],
      ["link", "https://x.be/a", "https://x.be/a"],
      ["link", "https://x.be/a", "https://x.be/a"],
    ]);
  });

  it("counts bytes, not characters, before and inside each facet", () => {
    const f = detectFacets("Échéance 🎯 https://finances.belgium.be #Impôts");
    expect(f[0]!.index.byteStart).toBe(new TextEncoder().encode("Échéance 🎯 ").length);
    expect(spans("Échéance 🎯 https://finances.belgium.be #Impôts")).toEqual([
      ["link", "https://finances.belgium.be", "https://finances.belgium.be"],
      ["tag", "Impôts", "#Impôts"],
    ]);
  });

  it("finds hashtags and mentions, but not numbers, a # inside a link, or an address without a dot", () => {
    expect(spans("#TaxOnWeb et #2026 : https://x.be/#ancre @cadence.bsky.social @personne (@spf.fin.belgium.be)")).toEqual([
      ["tag", "TaxOnWeb", "#TaxOnWeb"],
      ["link", "https://x.be/#ancre", "https://x.be/#ancre"],
      ["mention", "cadence.bsky.social", "@cadence.bsky.social"],
      ["mention", "spf.fin.belgium.be", "@spf.fin.belgium.be"],
    ]);
  });
});
