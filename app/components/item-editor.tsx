import { previewAspect } from "../domain/network-media";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { measureText, type TextNetwork } from "../domain/channel-text";
import { bilingualText, languagesForChannel } from "../domain/item-schedule";
import { resolveLocalTime } from "../domain/time/brussels";
import { buildQuestionIndex, suggestQuestions, type QuestionSuggestion, type SuggestionResult } from "../domain/question-match";
import type { MessageKey } from "../i18n";
import { useLang, useT } from "../i18n/react";

export interface EditorValues {
  localDate: string;
  localTime: string;
  occurrence: "first" | "second";
  sourceLanguage: "fr" | "nl";
  frText: string;
  frLink: string;
  frAlt: string;
  nlText: string;
  nlLink: string;
  nlAlt: string;
  channelIds: string[];
  tagIds: string[];
}

export interface EditorErrors {
  [field: string]: { key: MessageKey; params?: Record<string, string | number> } | undefined;
}

const UNIT_KEYS = { weighted: "item.unit.weighted", graphemes: "item.unit.graphemes", characters: "item.unit.characters" } as const;

/**
 * French and Dutch side by side, the channels, the date and time, the citizen questions, and a live
 * preview per channel with that network's own length counter. Works without script (a plain form);
 * with script, the previews follow every keystroke.
 */
export interface PreviewVisual {
  hash: string;
  alt: string;
  thumbUrl: string;
  kind?: "image" | "video";
}

/** The visuals a preview shows: its language's, or on a bilingual channel the French ones and the Dutch ones not shared. */
function visualsFor(visuals: { fr: readonly PreviewVisual[]; nl: readonly PreviewVisual[] } | undefined, language: string): readonly PreviewVisual[] {
  if (!visuals) return [];
  if (language === "fr" || language === "nl") return visuals[language];
  return [...visuals.fr, ...visuals.nl.filter((v) => !visuals.fr.some((f) => f.hash === v.hash))];
}

/**
 * The visuals as the network shows them in a timeline: in boxes of its aspect ratio, cropped to fill
 * them (X shows one image at 16:9, two side by side…), or whole where the network shows them whole.
 */
function PreviewVisuals({ network, visuals }: { network: TextNetwork; visuals: readonly PreviewVisual[] }) {
  const t = useT();
  if (visuals.length === 0) return null;
  const aspect = previewAspect(network, visuals.length);
  return (
    <div className={`preview-visuals count-${Math.min(visuals.length, 4)}`} data-testid="preview-visuals" data-aspect={aspect ? aspect.toFixed(3) : "whole"}>
      {visuals.map((v, i) => (
        <span key={`${v.hash}-${i}`} className="preview-visual" style={aspect ? { aspectRatio: String(aspect) } : undefined}>
          <img src={v.thumbUrl} alt={v.alt} style={{ objectFit: aspect ? "cover" : "contain" }} />
          {v.kind === "video" ? <span className="visual-kind">▶ {t("visuals.video")}</span> : null}
        </span>
      ))}
    </div>
  );
}

export function ItemEditor(props: {
  initial: EditorValues;
  version?: number;
  channels: { id: string; name: string; network: string; language: string }[];
  questions: { id: string; slug: string; labelFr: string; labelNl: string; keywordsFr: string[]; keywordsNl: string[] }[];
  /** For a new item on an empty day: the questions to cover first, with when they were last covered. */
  gapQuestions?: { id: string; daysSince: number | null; volume: number }[];
  errors: EditorErrors;
  back: string;
  readOnly: boolean;
  /** Each version's saved visuals, shown in the previews as each network crops them. */
  visuals?: { fr: readonly PreviewVisual[]; nl: readonly PreviewVisual[] };
}) {
  const t = useT();
  const lang = useLang();
  const busy = useNavigation().state === "submitting";
  const [v, setV] = useState<EditorValues>(props.initial);
  const set = <K extends keyof EditorValues>(key: K, value: EditorValues[K]) => setV((old) => ({ ...old, [key]: value }));
  // The questions the texts answer, as they are typed: both languages, the best score per question.
  const questionIndex = useMemo(() => buildQuestionIndex(props.questions), [props.questions]);
  const questionById = useMemo(() => new Map(props.questions.map((q) => [q.id, q])), [props.questions]);
  // The keywords answer at once, in the browser; the server adds what the model learned from the
  // team's tagging a moment after typing stops (the same keywords plus the model).
  const [learned, setLearned] = useState<Partial<Record<"fr" | "nl", { text: string; result: SuggestionResult }>>>({});
  const [dismissed, setDismissed] = useState<{ id: string; lang: "fr" | "nl" }[]>([]);
  useEffect(() => {
    if (props.readOnly) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      for (const [text, l] of [
        [v.frText, "fr"],
        [v.nlText, "nl"],
      ] as const) {
        if (text.trim() === "" || learned[l]?.text === text) continue;
        fetch("/api/v1/tags/suggest", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text, lang: l }), signal: controller.signal })
          .then(async (r) => (r.ok ? ((await r.json()) as SuggestionResult) : null))
          .then((result) => {
            if (result) setLearned((old) => ({ ...old, [l]: { text, result } }));
          })
          .catch(() => {
            // Offline or cut off: the keyword suggestions stay.
          });
      }
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [v.frText, v.nlText, props.readOnly]);
  const suggestions = useMemo(() => {
    const best = new Map<string, QuestionSuggestion & { confident: boolean; langs: ("fr" | "nl")[] }>();
    for (const [text, l] of [
      [v.frText, "fr"],
      [v.nlText, "nl"],
    ] as const) {
      if (text.trim() === "") continue;
      const fromServer = learned[l];
      const result = fromServer && fromServer.text === text ? fromServer.result : suggestQuestions(questionIndex, text, l);
      result.suggestions.forEach((s, i) => {
        if (!questionById.has(s.id) || dismissed.some((d) => d.id === s.id)) return;
        const confident = i === 0 && result.confident;
        const previous = best.get(s.id);
        const langs = [...(previous?.langs ?? []), l];
        if (!previous || s.score > previous.score) best.set(s.id, { ...s, matched: [...new Set([...(previous?.matched ?? []), ...s.matched])], confident: confident || !!previous?.confident, langs });
        else previous.langs = langs;
      });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.slug < b.slug ? -1 : 1)).slice(0, 3);
  }, [questionIndex, questionById, v.frText, v.nlText, learned, dismissed]);
  const toggle = (key: "channelIds" | "tagIds", id: string, on: boolean) =>
    setV((old) => ({ ...old, [key]: on ? [...old[key], id] : old[key].filter((x) => x !== id) }));
  const resolved = resolveLocalTime(v.localDate, v.localTime);
  const err = (field: string) => {
    const e = props.errors[field];
    return e ? t(e.key, e.params) : null;
  };
  const invalid = (field: string) => (props.errors[field] ? { "aria-invalid": true as const, "aria-describedby": `err-${field}` } : {});
  const errorText = (field: string) =>
    err(field) ? (
      <p className="field-error" id={`err-${field}`}>
        {err(field)}
      </p>
    ) : null;

  const previews = useMemo(
    () =>
      props.channels
        .filter((c) => v.channelIds.includes(c.id))
        .flatMap((c) => {
          const network = c.network as TextNetwork;
          if (c.language === "bilingual") {
            const text = bilingualText({ fr: v.frText, nl: v.nlText });
            return [{ channel: c, language: "fr+nl", text, check: measureText(network, text, v.frLink || v.nlLink || null) }];
          }
          return languagesForChannel(c.language as "fr" | "nl").map((l) => {
            const text = l === "fr" ? v.frText : v.nlText;
            return { channel: c, language: l, text, check: measureText(network, text, (l === "fr" ? v.frLink : v.nlLink) || null) };
          });
        }),
    [props.channels, v],
  );
  const overLimit = previews.filter((p) => p.check.length > p.check.limit || (p.check.bytes && p.check.bytes.length > p.check.bytes.limit));

  const column = (l: "fr" | "nl") => (
    <fieldset className="language-column" lang={l} disabled={props.readOnly}>
      <legend>{t(`item.lang.${l}`)}</legend>
      <div className="field">
        <label htmlFor={`${l}Text`}>{t("item.field.text")}</label>
        <textarea id={`${l}Text`} name={`${l}Text`} rows={7} value={l === "fr" ? v.frText : v.nlText} onChange={(e) => set(`${l}Text`, e.target.value)} {...invalid(`${l}Text`)} />
        {errorText(`${l}Text`)}
        {overLimit
          .filter((p) => p.language === l || p.language === "fr+nl")
          .map((p) => (
            <p key={`${p.channel.id}-${p.language}`} className="field-error length-error">
              {p.channel.name}: {t("item.preview.over", { over: p.check.length - p.check.limit > 0 ? p.check.length - p.check.limit : (p.check.bytes?.length ?? 0) - (p.check.bytes?.limit ?? 0) })}
            </p>
          ))}
      </div>
      <div className="field">
        <label htmlFor={`${l}Link`}>{t("item.field.link")}</label>
        <input id={`${l}Link`} name={`${l}Link`} type="url" inputMode="url" value={l === "fr" ? v.frLink : v.nlLink} onChange={(e) => set(`${l}Link`, e.target.value)} {...invalid(`${l}Link`)} />
        {errorText(`${l}Link`)}
      </div>
      <div className="field">
        <label htmlFor={`${l}Alt`}>{t("item.field.alt")}</label>
        <input id={`${l}Alt`} name={`${l}Alt`} maxLength={1000} value={l === "fr" ? v.frAlt : v.nlAlt} onChange={(e) => set(`${l}Alt`, e.target.value)} {...invalid(`${l}Alt`)} />
        {errorText(`${l}Alt`)}
      </div>
    </fieldset>
  );

  return (
    <Form method="post" className="item-editor" noValidate>
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="back" value={props.back} />
      {props.version ? <input type="hidden" name="version" value={props.version} /> : null}
      {props.errors._form ? (
        <p role="alert" className="form-error">
          {err("_form")}
        </p>
      ) : Object.keys(props.errors).length > 0 ? (
        <p role="alert" className="form-error">
          {t("form.errorSummary")}
        </p>
      ) : null}

      <fieldset className="when" disabled={props.readOnly}>
        <div className="field">
          <label htmlFor="localDate">{t("item.field.date")}</label>
          <input id="localDate" name="localDate" type="date" required value={v.localDate} onChange={(e) => set("localDate", e.target.value)} {...invalid("localDate")} />
          {errorText("localDate")}
        </div>
        <div className="field">
          <label htmlFor="localTime">{t("item.field.time")}</label>
          <input id="localTime" name="localTime" type="time" required step={60} value={v.localTime} onChange={(e) => set("localTime", e.target.value.slice(0, 5))} {...invalid("localTime")} />
          {errorText("localTime")}
          {!resolved.ok && resolved.reason === "nonexistent" && !props.errors.localTime ? (
            <p className="field-error">{t("schedule.nonexistent", { time: resolved.proposal.localTime })}</p>
          ) : null}
        </div>
        {resolved.ok && resolved.ambiguous ? (
          <div className="field" role="radiogroup" aria-label={t("schedule.occurrence")}>
            <p>{t("schedule.occurrence")}</p>
            <label className="checkbox">
              <input type="radio" name="occurrence" value="first" checked={v.occurrence === "first"} onChange={() => set("occurrence", "first")} /> {t("schedule.first")}
            </label>
            <label className="checkbox">
              <input type="radio" name="occurrence" value="second" checked={v.occurrence === "second"} onChange={() => set("occurrence", "second")} /> {t("schedule.second")}
            </label>
          </div>
        ) : null}
        <div className="field" role="radiogroup" aria-labelledby="source-label">
          <p id="source-label">{t("item.field.source")}</p>
          {(["fr", "nl"] as const).map((l) => (
            <label key={l} className="checkbox">
              <input type="radio" name="sourceLanguage" value={l} checked={v.sourceLanguage === l} onChange={() => set("sourceLanguage", l)} /> {t(`item.lang.${l}`)}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="language-columns">
        {column("fr")}
        {column("nl")}
      </div>

      <fieldset className="field" disabled={props.readOnly} {...invalid("channelIds")}>
        <legend>{t("item.field.channels")}</legend>
        {props.channels.map((c) => (
          <label key={c.id} className="checkbox">
            <input type="checkbox" name="channelIds" value={c.id} checked={v.channelIds.includes(c.id)} onChange={(e) => toggle("channelIds", c.id, e.target.checked)} /> {c.name} (
            {t(`channelLanguage.${c.language}` as MessageKey)})
          </label>
        ))}
        {errorText("channelIds")}
      </fieldset>

      <fieldset className="field tags-field" disabled={props.readOnly}>
        <legend>{t("item.field.tags")}</legend>
        {!props.readOnly ? (
          <section className="tag-suggestions" aria-labelledby="suggest-title">
            <h3 id="suggest-title">{t("suggest.title")}</h3>
            <p className="hint">{t("suggest.hint")}</p>
            {suggestions.length === 0 ? <p className="hint">{t("suggest.none")}</p> : null}
            <input type="hidden" name="suggestedTags" value={JSON.stringify(suggestions.flatMap((s) => s.langs.map((l) => ({ id: s.id, lang: l }))))} />
            <input type="hidden" name="rejectedTags" value={JSON.stringify(dismissed)} />
            <ul className="suggestions" aria-live="polite" data-testid="tag-suggestions">
              {suggestions.map((s) => {
                const q = questionById.get(s.id)!;
                const tagged = v.tagIds.includes(s.id);
                return (
                  <li key={s.id}>
                    <strong>{lang === "nl" ? q.labelNl : q.labelFr}</strong>
                    {s.confident ? <span className="badge">{t("suggest.confident")}</span> : null}
                    <span className="hint">{t("suggest.matched", { words: s.matched.join(", ") })}</span>
                    {tagged ? (
                      <span className="form-ok">✓ {t("suggest.tagged")}</span>
                    ) : (
                      <>
                        <button type="button" className="link-button" onClick={() => toggle("tagIds", s.id, true)} aria-label={`${t("suggest.add")}: ${lang === "nl" ? q.labelNl : q.labelFr}`}>
                          {t("suggest.add")}
                        </button>{" "}
                        <button type="button" className="link-button" onClick={() => setDismissed((old) => [...old, ...s.langs.map((l) => ({ id: s.id, lang: l }))])} aria-label={`${t("suggest.dismiss")}: ${lang === "nl" ? q.labelNl : q.labelFr}`}>
                          {t("suggest.dismiss")}
                        </button>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
            {props.gapQuestions && props.gapQuestions.length > 0 ? (
              <>
                <h3>{t("gap.title")}</h3>
                <ul className="suggestions" data-testid="gap-questions">
                  {props.gapQuestions.map((g) => {
                    const q = questionById.get(g.id);
                    if (!q) return null;
                    return (
                      <li key={g.id}>
                        <strong>{lang === "nl" ? q.labelNl : q.labelFr}</strong>
                        <span className="hint">
                          {g.daysSince === null ? t("gap.never") : t("gap.days", { days: g.daysSince })} · {t("gap.volume", { volume: g.volume })}
                        </span>
                        {v.tagIds.includes(g.id) ? (
                          <span className="form-ok">✓ {t("suggest.tagged")}</span>
                        ) : (
                          <button type="button" className="link-button" onClick={() => toggle("tagIds", g.id, true)} aria-label={`${t("suggest.add")}: ${lang === "nl" ? q.labelNl : q.labelFr}`}>
                            {t("suggest.add")}
                          </button>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </>
            ) : null}
          </section>
        ) : null}
        {props.questions.map((q) => (
          <label key={q.id} className="checkbox">
            <input type="checkbox" name="tagIds" value={q.id} checked={v.tagIds.includes(q.id)} onChange={(e) => toggle("tagIds", q.id, e.target.checked)} /> {lang === "nl" ? q.labelNl : q.labelFr}
          </label>
        ))}
      </fieldset>

      <section aria-labelledby="preview-title" className="previews">
        <h2 id="preview-title">{t("item.preview.title")}</h2>
        {previews.length === 0 ? <p className="hint">{t("item.preview.none")}</p> : null}
        {overLimit.length > 0 ? <p className="field-error">{t("item.lengthWarning")}</p> : null}
        <ul className="preview-list">
          {previews.map((p) => {
            const over = p.check.length > p.check.limit || (p.check.bytes && p.check.bytes.length > p.check.bytes.limit);
            return (
              <li key={`${p.channel.id}-${p.language}`} className={`preview net-${p.channel.network} ${over ? "over" : ""}`} data-testid={`preview-${p.channel.network}-${p.language}`}>
                <p className="preview-head">
                  <strong>{p.channel.name}</strong> <span className="preview-lang">{p.language.toUpperCase()}</span>{" "}
                  <span className="preview-count" aria-live="polite">
                    {over ? "⚠ " : ""}
                    {t("item.preview.count", { length: p.check.length, limit: p.check.limit, unit: t(UNIT_KEYS[p.check.unit]) })}
                    {p.check.bytes ? ` · ${t("item.preview.bytes", { length: p.check.bytes.length, limit: p.check.bytes.limit })}` : ""}
                  </span>
                </p>
                <p className="preview-text" lang={p.language === "fr+nl" ? undefined : p.language}>
                  {p.text || t("item.preview.emptyText")}
                </p>
                <PreviewVisuals network={p.channel.network as TextNetwork} visuals={visualsFor(props.visuals, p.language)} />
              </li>
            );
          })}
        </ul>
      </section>

      {!props.readOnly ? (
        <p className="form-actions">
          <button type="submit" disabled={busy}>
            {t("item.save")}
          </button>{" "}
          <Link to={props.back}>{t("item.back")}</Link>
        </p>
      ) : (
        <p>
          <Link to={props.back}>{t("item.back")}</Link>
        </p>
      )}
    </Form>
  );
}
