import type { NetworkMediaRules } from "../domain/network-media";
import { fitImage, type FittedImage } from "./media-fit.server";
import type { AdapterDeps, PublishInput, PublishOutcome } from "./types";

export type UploadStep = { ok: true; id: string } | { ok: false; outcome: PublishOutcome };

/**
 * A post's images, each uploaded once through the network's media API: the network's id is
 * remembered on the publication as soon as the network has the image (before the post call) and
 * reused by a retry while the network keeps unattached media (`reuseMs`), so a failure after an
 * upload never uploads again and the post call names the same media. Each image is first fitted
 * to the network's rules (re-encoded when too heavy, too large or in a format it does not take).
 */
export async function uploadImagesOnce(
  input: PublishInput,
  deps: AdapterDeps,
  options: { reuseMs: number; rules: NetworkMediaRules },
  send: (visual: { hash: string; alt: string }, image: FittedImage) => Promise<UploadStep>,
): Promise<{ ok: true; ids: string[] } | { ok: false; outcome: PublishOutcome }> {
  const visuals = input.visuals ?? [];
  if (visuals.length === 0) return { ok: true, ids: [] };
  if (!deps.media) return { ok: false, outcome: { kind: "failed", code: "config", detail: "no media library" } };
  if (visuals.some((v) => v.kind !== "image")) return { ok: false, outcome: { kind: "failed", code: "not_publishable", detail: "videos are not sent to this network" } };
  const done = await deps.media.uploaded(input.publicationId);
  const ids: string[] = [];
  for (const v of visuals) {
    const known = done[v.hash];
    if (known && deps.now().getTime() - Date.parse(known.at) < options.reuseMs) {
      ids.push(known.id);
      continue;
    }
    const file = await deps.media.read(v.hash);
    if (!file) return { ok: false, outcome: { kind: "failed", code: "validation", detail: `media file ${v.hash} is missing` } };
    const step = await send(v, await fitImage(file.bytes, file.contentType, options.rules));
    if (!step.ok) return step;
    await deps.media.remember(input.publicationId, v.hash, step.id);
    ids.push(step.id);
  }
  return { ok: true, ids };
}
