import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of this response (server rendering only): Remix's own inline
 * scripts carry it; no other inline script exists. In the browser it is undefined, as the browser
 * hides nonces from the page anyway.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
