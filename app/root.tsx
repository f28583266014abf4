import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage } from "./components/error-page";
import { useNonce } from "./components/nonce";
import { useLang } from "./i18n/react";
import { currentUser, requestLanguage } from "./services/session.server";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Cadence" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = context.app;
  const user = await currentUser(ctx, request);
  const lang = await requestLanguage(ctx, request, user);
  return {
    lang,
    demo: ctx.config.demo,
    user: user ? { id: user.id, displayName: user.display_name, email: user.email, roles: user.roles } : null,
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const lang = useLang();
  const nonce = useNonce();
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return <ErrorPage status={status} />;
}
