/**
 * Where a Bluesky post's links, hashtags and mentions are, as UTF-8 byte ranges, following the
 * rules of Bluesky's own detection (@atproto/api's RichText, which Cadence cannot load: decision
 * 0025): a link is http(s):// up to whitespace, without trailing punctuation (. , ; : ! ? " ')
 * and without a closing parenthesis that has no opening one inside it; a hashtag is # followed by
 * up to 64 characters that are not spaces or punctuation, not all digits; a mention is @ followed by
 * a handle with at least one dot. Each occurrence is its own facet, in text order.
 */
export interface DetectedFacet {
  kind: "link" | "tag" | "mention";
  /** The link's URI, the tag without #, or the handle without @. */
  value: string;
  index: { byteStart: number; byteEnd: number };
}

const TRAILING = /[.,;:!?"'\\u2019]+$/;

export function detectFacets(text: string): DetectedFacet[] {
  const encoder = new TextEncoder();
  const bytesBefore = (at: number) => encoder.encode(text.slice(0, at)).length;
  const found: (DetectedFacet & { at: number })[] = [];
  const span = (at: number, length: number) => {
    const byteStart = bytesBefore(at);
    return { byteStart, byteEnd: byteStart + encoder.encode(text.slice(at, at + length)).length };
  };
  for (const m of text.matchAll(/https?:\/\/[^\s]+/g)) {
    let uri = m[0].replace(TRAILING, "");
    // A closing parenthesis without its opening one inside the link belongs to the sentence.
    while (uri.endsWith(")") && (uri.match(/\(/g)?.length ?? 0) < (uri.match(/\)/g)?.length ?? 0)) uri = uri.slice(0, -1).replace(TRAILING, "");
    found.push({ kind: "link", value: uri, at: m.index, index: span(m.index, uri.length) });
  }
  const insideLink = (at: number) => found.some((f) => f.kind === "link" && at >= f.at && at < f.at + f.value.length);
  for (const m of text.matchAll(/(^|\s|\()#([^\s\p{P}\p{S}]{1,64}|[^\s\p{P}\p{S}][^\s]{0,63}?)(?=[\s\p{P}]|$)/gu)) {
    const tag = m[2]!.replace(TRAILING, "");
    const at = m.index + m[1]!.length;
    if (/^\d+$/.test(tag) || insideLink(at)) continue;
    found.push({ kind: "tag", value: tag, at, index: span(at, tag.length + 1) });
  }
  for (const m of text.matchAll(/(^|\s|\()@(([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)/g)) {
    const at = m.index + m[1]!.length;
    if (insideLink(at)) continue;
    found.push({ kind: "mention", value: m[2]!, at, index: span(at, m[2]!.length + 1) });
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...f }) => f);
}
