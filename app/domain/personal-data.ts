/**
 * Personal data that must never be stored from the contact center's exports: Belgian national
 * register numbers (checked with their mod-97 key, for births before and after 2000), e-mail
 * addresses, phone numbers, and IBANs (checked with their mod-97 key). Used to reject or redact
 * free-text cells before anything is saved.
 */
export type PersonalDataKind = "national_number" | "email" | "phone" | "iban";

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const NATIONAL_NUMBER = /\b(\d{2})[.\s-]?(\d{2})[.\s-]?(\d{2})[.\s-]?(\d{3})[.\s-]?(\d{2})\b/g;
const IBAN = /\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b/g;
const PHONE = /(?:\+|\b00)\d{2}[\s./-]?\(?\d{1,3}\)?(?:[\s./-]?\d{2,3}){2,4}\b|\b0\d{1,3}(?:[\s./-]?\d{2,3}){2,4}\b/g;

function validNationalNumber(digits: string): boolean {
  const base = Number(digits.slice(0, 9));
  const key = Number(digits.slice(9));
  return 97 - (base % 97) === key || 97 - ((2_000_000_000 + base) % 97) === key;
}

function validIban(raw: string): boolean {
  const iban = raw.replace(/\s/g, "").toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of moved) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

export interface PersonalDataFinding {
  kind: PersonalDataKind;
  start: number;
  end: number;
}

/** Where a text holds personal data, in order. */
export function findPersonalData(text: string): PersonalDataFinding[] {
  const found: PersonalDataFinding[] = [];
  const add = (kind: PersonalDataKind, m: RegExpMatchArray) => found.push({ kind, start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(EMAIL)) add("email", m);
  for (const m of text.matchAll(IBAN)) if (validIban(m[1]!)) add("iban", m);
  for (const m of text.matchAll(NATIONAL_NUMBER)) if (validNationalNumber(m.slice(1, 6).join(""))) add("national_number", m);
  for (const m of text.matchAll(PHONE)) if (m[0].replace(/\D/g, "").length >= 9) add("phone", m);
  // Overlaps (a phone pattern inside an IBAN or a national number): the first kind found wins.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PersonalDataFinding[] = [];
  for (const f of found) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept;
}

/** The text with each piece of personal data replaced by "[removed]", and the kinds removed. */
export function redactPersonalData(text: string): { text: string; removed: PersonalDataKind[] } {
  const findings = findPersonalData(text);
  let out = text;
  for (const f of [...findings].reverse()) out = out.slice(0, f.start) + "[removed]" + out.slice(f.end);
  return { text: out, removed: [...new Set(findings.map((f) => f.kind))] };
}
