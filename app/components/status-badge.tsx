import type { MessageKey } from "../i18n";
import { useT } from "../i18n/react";

export const STATUS_ICONS: Record<string, string> = {
  draft: "✎",
  in_translation: "⇄",
  awaiting_approval: "◑",
  scheduled: "◷",
  published: "✓",
  partly_failed: "⚠",
  failed: "✕",
  held: "‖",
  archived: "▣",
};

/** A status shown by colour, an icon and its name: never by colour alone. */
export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  const icon = STATUS_ICONS[status] ?? "•";
  return (
    <span className={`status-badge status-${status}`}>
      <span aria-hidden="true">{icon}</span> {t(`status.${status}` as MessageKey)}
    </span>
  );
}
