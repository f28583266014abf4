import { describe, expect, it } from "vitest";
import { findPersonalData, redactPersonalData } from "./personal-data";

describe("personal data in free text", () => {
  it.each([
    ["national number (born before 2000)", "client 85.07.30-033.28 appelle", "national_number"],
    ["national number (born after 2000)", "NN 17073003384 inconnu", "national_number"],
    ["e-mail", "écrire à jan.peeters@example.be svp", "email"],
    ["Belgian IBAN", "rekening BE68 5390 0754 7034 graag", "iban"],
    ["IBAN without spaces", "BE68539007547034", "iban"],
    ["Belgian mobile", "bel 0470 12 34 56 terug", "phone"],
    ["international phone", "tel +32 2 572 57 57", "phone"],
  ])("finds a %s", (_name, text, kind) => {
    expect(findPersonalData(text).map((f) => f.kind)).toEqual([kind]);
  });

  it.each([
    ["a form number", "fiche 281.86"],
    ["a year and an amount", "en 2026, 1 250 000 questions"],
    ["eleven digits with a wrong key", "85073003327"],
    ["an IBAN with a wrong key", "BE68 5390 0754 7035"],
    ["a question label", "Quand vais-je recevoir mon remboursement ?"],
  ])("leaves %s alone", (_name, text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it("redacts and says what it removed", () => {
    expect(redactPersonalData("remboursement jan@example.be 0470 12 34 56")).toEqual({ text: "remboursement [removed] [removed]", removed: ["email", "phone"] });
  });
});
