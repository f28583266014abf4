import { describe, expect, it } from "vitest";
import { approvalReasons, NO_APPROVAL_RULES, parseSensitiveWords } from "./reply-approval";

describe("approvalReasons", () => {
  const rules = { words: ["plainte", "médiateur", "avocat", "conseil d'État"], channelIds: ["ch-press"] };

  it("finds whole words, whatever their case and accents", () => {
    expect(approvalReasons("Vous pouvez introduire une Plainte auprès du Mediateur fédéral.", "ch-1", rules)).toEqual(["plainte", "médiateur"]);
    expect(approvalReasons("Les plaintes sont traitées en 30 jours.", "ch-1", rules)).toEqual([]);
    expect(approvalReasons("Un recours au Conseil d’Etat reste possible.", "ch-1", rules)).toEqual(["conseil d'État"]);
  });

  it("names the channel when the channel is one of the chosen ones, and nothing when there are no rules", () => {
    expect(approvalReasons("Merci pour votre message.", "ch-press", rules)).toEqual(["channel"]);
    expect(approvalReasons("Votre avocat peut nous écrire.", "ch-press", rules)).toEqual(["avocat", "channel"]);
    expect(approvalReasons("Une plainte ?", "ch-press", NO_APPROVAL_RULES)).toEqual([]);
  });

  it("reads the admin's list: lines or commas, trimmed, without blanks or repeats", () => {
    expect(parseSensitiveWords("plainte, avocat\n\n  klacht  ;Plainte\nraad van  state")).toEqual(["plainte", "avocat", "klacht", "raad van state"]);
  });
});
