/** The live page, built once: one HTML document with every script and style inlined. */
export interface LivePage {
  html: string;
  /** Content-Security-Policy allowing exactly the inlined scripts and styles. */
  csp: string;
}

const DASHBOARDS = new URL("../dashboards/", import.meta.url);

async function sha256Base64(text: string): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Escapes `</` so an inlined script or style cannot end its element early. */
function inlineSafe(text: string): string {
  return text.replaceAll("</", "<\\/");
}

/**
 * Reads `dashboards/live.html` and inlines `dashboards/live.js`, `dashboards/live.css` and the
 * vendored uPlot (`dashboards/vendor/uplot/`) into it at the `<!-- inline:NAME -->` markers; the
 * CSP it returns names the SHA-256 of each inlined script and style, so the page runs nothing
 * else and connects only to its own origin.
 */
export async function buildLivePage(): Promise<LivePage> {
  const read = (path: string) => Deno.readTextFile(new URL(path, DASHBOARDS));
  const [template, uplotJs, uplotCss, liveJs, liveCss] = await Promise.all([
    read("live.html"),
    read("vendor/uplot/uPlot.iife.min.js"),
    read("vendor/uplot/uPlot.min.css"),
    read("live.js"),
    read("live.css"),
  ]);
  const scripts = [inlineSafe(uplotJs), inlineSafe(liveJs)];
  const styles = [inlineSafe(uplotCss), inlineSafe(liveCss)];
  const parts: Record<string, string> = {
    "uplot.js": `<script>${scripts[0]}</script>`,
    "live.js": `<script>${scripts[1]}</script>`,
    "uplot.css": `<style>${styles[0]}</style>`,
    "live.css": `<style>${styles[1]}</style>`,
  };
  let html = template;
  for (const [name, element] of Object.entries(parts)) {
    const marker = `<!-- inline:${name} -->`;
    if (!html.includes(marker)) {
      throw new SyntaxError(`Cannot build the live page: marker missing: ${marker}`);
    }
    html = html.replace(marker, () => element);
  }
  const scriptHashes = await Promise.all(scripts.map(sha256Base64));
  const styleHashes = await Promise.all(styles.map(sha256Base64));
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHashes.map((h) => `'sha256-${h}'`).join(" ")}`,
    `style-src ${styleHashes.map((h) => `'sha256-${h}'`).join(" ")}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, csp };
}
