/**
 * Remix classic compiler. The server build is CommonJS because
 * react-big-calendar breaks the ESM server build (see docs/decisions/0002).
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  appDirectory: "app",
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "cjs",
  serverBuildPath: "build/index.cjs",
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  // d3-scale and its dependencies are ESM only: bundled into the CommonJS server build.
  serverDependenciesToBundle: [/^react-big-calendar/, /^@?luxon/, /^d3-/, /^internmap$/],
  // twitter-text (X's length counter, used in the editor's live preview) needs punycode in the browser.
  browserNodeBuiltinsPolyfill: { modules: { punycode: true } },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
