import { useRouteLoaderData } from "@remix-run/react";
import { DEFAULT_LANGUAGE, translator, type Translate, type UiLanguage } from "./index";

export interface RootData {
  lang: UiLanguage;
  demo: boolean;
  user: { id: string; displayName: string; email: string; roles: string[] } | null;
}

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<RootData>("root");
}

export function useLang(): UiLanguage {
  return useRootData()?.lang ?? DEFAULT_LANGUAGE;
}

export function useT(): Translate {
  return translator(useLang());
}
