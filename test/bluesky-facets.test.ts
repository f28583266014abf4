import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blueskyAdapter } from "../app/channels/bluesky.server";
import { startFakeNetworks, type FakeNetworks } from "../fakes/networks";

/**
 * Bluesky rich text by the network's own library: links without their trailing punctuation, each
 * occurrence of a repeated link its own facet, hashtags, and mentions resolved to DIDs (an unknown
 * handle stays plain text) — UTF-8 byte offsets checked against the text by the local PDS.
 */
let fake: FakeNetworks;
beforeAll(async () => {
  fake = await startFakeNetworks();
});
afterAll(async () => {
  await fake?.close();
});

describe("Bluesky facets", () => {
  it("marks links, hashtags and mentions at their exact bytes", async () => {
    const text = "Déclaration : https://finances.belgium.be/fr. Aide (https://myminfin.be/aide) et https://finances.belgium.be/fr #TaxOnWeb @camille.bsky.social @unknown-person.bsky.social é";
    const deps = { fetch, now: () => new Date(), timeoutMs: 5_000 };
    const outcome = await blueskyAdapter.publish(
      { publicationId: "p1", idempotencyKey: "k1", remoteKey: "3kfacets00001", channel: { id: "c-facets", network: "bluesky", name: "Bluesky", handle: "cadence.test", baseUrl: `${fake.url}/bluesky`, credentials: { identifier: "cadence.test", appPassword: "app-pass" } }, text, link: null, languages: ["fr"], dueAt: new Date(), itemId: "i1" },
      deps,
    );
    expect(outcome.kind).toBe("published");
    const post = fake.posts.find((p) => p.network === "bluesky" && p.key === "3kfacets00001")!;
    const bytes = Buffer.from(post.text, "utf8");
    const spans = post.facets!.map((f) => ({ text: bytes.subarray(f.index.byteStart, f.index.byteEnd).toString("utf8"), feature: f.features[0]! }));
    expect(spans).toEqual([
      { text: "https://finances.belgium.be/fr", feature: { $type: "app.bsky.richtext.facet#link", uri: "https://finances.belgium.be/fr" } },
      { text: "https://myminfin.be/aide", feature: { $type: "app.bsky.richtext.facet#link", uri: "https://myminfin.be/aide" } },
      { text: "https://finances.belgium.be/fr", feature: { $type: "app.bsky.richtext.facet#link", uri: "https://finances.belgium.be/fr" } },
      { text: "#TaxOnWeb", feature: { $type: "app.bsky.richtext.facet#tag", tag: "TaxOnWeb" } },
      { text: "@camille.bsky.social", feature: { $type: "app.bsky.richtext.facet#mention", did: "did:plc:camillebskysocial" } },
    ]);
    // The repeated link has two facets at two places.
    expect(post.facets![0]!.index.byteStart).not.toBe(post.facets![2]!.index.byteStart);
  });
});
