import type { EditorValues } from "./item-editor";

const str = (v: unknown) => (typeof v === "string" ? v : "");
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** Editor fields from submitted form values (after a refused save) or from nothing (a new item). */
export function editorValuesFrom(values: Record<string, unknown>): EditorValues {
  return {
    localDate: str(values.localDate),
    localTime: str(values.localTime),
    occurrence: values.occurrence === "second" ? "second" : "first",
    sourceLanguage: values.sourceLanguage === "nl" ? "nl" : "fr",
    frText: str(values.frText),
    frLink: str(values.frLink),
    frAlt: str(values.frAlt),
    nlText: str(values.nlText),
    nlLink: str(values.nlLink),
    nlAlt: str(values.nlAlt),
    channelIds: list(values.channelIds),
    tagIds: list(values.tagIds),
  };
}
