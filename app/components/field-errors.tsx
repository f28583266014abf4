import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";

export type FormErrors = Record<string, { key: MessageKey; params?: Record<string, string | number> } | undefined>;

/**
 * The server's messages for a form: `message(field)` renders one next to its field, `invalid(field)`
 * marks the field and ties it to its message for screen readers.
 */
export function useFieldErrors(errors: FormErrors) {
  const t = useT();
  const message = (field: string) => {
    const e = errors[field];
    return e ? (
      <p className="field-error" id={`err-${field}`}>
        {t(e.key, e.params)}
      </p>
    ) : null;
  };
  const invalid = (field: string) => (errors[field] ? { "aria-invalid": true as const, "aria-describedby": `err-${field}` } : {});
  return { message, invalid };
}
