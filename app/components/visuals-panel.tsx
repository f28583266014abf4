import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { useT } from "../i18n/react";

export interface VisualView {
  hash: string;
  alt: string;
  sameInBothLanguages: boolean;
  containsText: boolean;
  thumbUrl: string;
  kind?: "image" | "video";
}

export interface VisualsPanelData {
  itemId: string;
  version: number;
  sourceLanguage: "fr" | "nl";
  visuals: { fr: VisualView[]; nl: VisualView[] };
  canEdit: { fr: boolean; nl: boolean };
}

type Upload = { name: string; loaded: number; total: number } | null;

/** Sends one file as the request's body, with its progress; answers the stored file or the server's refusal. */
function uploadFile(file: File, onProgress: (loaded: number, total: number) => void): Promise<{ ok: true; media: { hash: string; thumbUrl: string; kind: "image" | "video" } } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/media/upload");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      try {
        resolve(JSON.parse(xhr.responseText) as { ok: true; media: { hash: string; thumbUrl: string; kind: "image" | "video" } } | { ok: false; error: string });
      } catch {
        resolve({ ok: false, error: `HTTP ${xhr.status}` });
      }
    };
    xhr.onerror = () => resolve({ ok: false, error: "network" });
    xhr.send(file);
  });
}

/** One language version's visuals: upload (file picker or drop), alt text, flags, order kept. */
function LanguageVisuals({ data, language }: { data: VisualsPanelData; language: "fr" | "nl" }) {
  const t = useT();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const [rows, setRows] = useState<VisualView[]>(data.visuals[language]);
  const [upload, setUpload] = useState<Upload>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // The saved list comes back from the server after each save.
  const serverRows = JSON.stringify(data.visuals[language]);
  useEffect(() => setRows(JSON.parse(serverRows) as VisualView[]), [serverRows]);
  const lang = t(`languageIn.${language}`);
  const editable = data.canEdit[language];
  const isSource = language === data.sourceLanguage;
  const otherWithText = !isSource ? data.visuals[data.sourceLanguage].filter((v) => v.containsText).length : 0;

  const add = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setUploadError(null);
      setUpload({ name: file.name, loaded: 0, total: file.size });
      const result = await uploadFile(file, (loaded, total) => setUpload({ name: file.name, loaded, total }));
      setUpload(null);
      if (!result.ok) {
        setUploadError(result.error);
        continue;
      }
      setRows((r) => [...r, { hash: result.media.hash, alt: "", sameInBothLanguages: false, containsText: false, thumbUrl: result.media.thumbUrl, kind: result.media.kind }]);
    }
    if (input.current) input.current.value = "";
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void add(e.dataTransfer.files);
  };
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  return (
    <section className="card visuals" aria-labelledby={`visuals-${language}`} data-testid={`visuals-${language}`} lang={language}>
      <h3 id={`visuals-${language}`}>{t("visuals.for", { language: lang })}</h3>
      {otherWithText > 0 ? <p className="hint">{t("visuals.twinHint", { count: otherWithText })}</p> : null}
      <fetcher.Form method="post" action={`/items/${data.itemId}/visuals`}>
        <input type="hidden" name="language" value={language} />
        <input type="hidden" name="version" value={data.version} />
        {rows.length === 0 ? <p className="hint">{t("visuals.none")}</p> : null}
        <ol className="visual-list">
          {rows.map((v, i) => (
            <li key={`${v.hash}-${i}`} className="visual-row">
              <span className="visual-thumb">
                <img src={v.thumbUrl} alt="" width={120} />
                {v.kind === "video" ? <span className="visual-kind">▶ {t("visuals.video")}</span> : null}
              </span>
              <input type="hidden" name="hash" value={v.hash} />
              <div className="field">
                <label htmlFor={`alt-${language}-${i}`}>{t("visuals.alt", { position: i + 1, language: lang })}</label>
                <textarea
                  id={`alt-${language}-${i}`}
                  name="alt"
                  rows={2}
                  maxLength={1000}
                  value={v.alt}
                  readOnly={!editable}
                  aria-describedby={`alt-hint-${language}`}
                  onChange={(e) => setRows((r) => r.map((x, j) => (j === i ? { ...x, alt: e.target.value } : x)))}
                />
              </div>
              {(["sameInBothLanguages", "containsText"] as const).map((flag) => (
                <label key={flag} className="checkbox">
                  <input
                    type="checkbox"
                    name={flag === "sameInBothLanguages" ? "same" : "containsText"}
                    value={String(i)}
                    checked={v[flag]}
                    disabled={!editable}
                    onChange={(e) => setRows((r) => r.map((x, j) => (j === i ? { ...x, [flag]: e.target.checked } : x)))}
                  />{" "}
                  {t(flag === "sameInBothLanguages" ? "visuals.same" : "visuals.containsText")}
                </label>
              ))}
              {editable ? (
                <button type="button" className="secondary" onClick={() => setRows((r) => r.filter((_, j) => j !== i))}>
                  {t("visuals.remove", { position: i + 1 })}
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        <p className="hint" id={`alt-hint-${language}`}>
          {t("visuals.altHint")}
        </p>
        {editable ? (
          <>
            <div
              className={dragging ? "drop-zone dragging" : "drop-zone"}
              data-testid={`drop-${language}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
            >
              <label htmlFor={`file-${language}`}>{t("visuals.choose", { language: lang })}</label>{" "}
              <input id={`file-${language}`} ref={input} type="file" accept="image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime" multiple onChange={(e) => void add(e.target.files)} />
              <span className="hint"> {t("visuals.drop")}</span>
            </div>
            {upload ? (
              <p role="status">
                {t("visuals.uploading", { name: upload.name })} <progress max={upload.total || 1} value={upload.loaded} aria-label={t("visuals.progress")} />
              </p>
            ) : null}
            {uploadError ? (
              <p role="alert" className="form-error">
                {uploadError}
              </p>
            ) : null}
            {error ? (
              <p role="alert" className="form-error">
                {error}
              </p>
            ) : null}
            {fetcher.data?.ok && fetcher.state === "idle" ? <p className="form-ok">{t("visuals.saved")}</p> : null}
            <button type="submit" disabled={fetcher.state !== "idle" || upload !== null}>
              {t("visuals.save", { language: lang })}
            </button>
          </>
        ) : null}
      </fetcher.Form>
    </section>
  );
}

/** The visuals of both language versions, side by side, under the texts. */
export function VisualsPanel({ data }: { data: VisualsPanelData }) {
  const t = useT();
  return (
    <section className="visuals-panel" aria-labelledby="visuals-title">
      <h2 id="visuals-title">{t("visuals.title")}</h2>
      <div className="visuals-pair">
        <LanguageVisuals data={data} language="fr" />
        <LanguageVisuals data={data} language="nl" />
      </div>
    </section>
  );
}
