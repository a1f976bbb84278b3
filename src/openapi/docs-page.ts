/**
 * A self-contained HTML reference rendered from the OpenAPI document: no scripts, no CDN,
 * so it works offline in `npm run dev` and under a strict Content-Security-Policy.
 */

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

const pre = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function renderOperation(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? "yes" : ""}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`,
    )
    .join("");
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => `<li><b>${status}</b> ${escapeHtml(r.description ?? "")}</li>`)
    .join("");
  return `<section id="${method}-${escapeHtml(path)}">
  <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${op.security?.length ? ' <span class="lock">bearer</span>' : ""}</h3>
  <p>${escapeHtml(op.summary ?? "")}${op.description ? ` — ${escapeHtml(op.description)}` : ""}</p>
  ${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th></th></tr>${params}</table>` : ""}
  ${body ? `<details><summary>Request body</summary>${pre(body)}</details>` : ""}
  <ul>${responses}</ul>
</section>`;
}

export function renderDocsPage(doc: Document): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  const toc = operations
    .map(
      ({ path, method }) =>
        `<li><a href="#${method}-${escapeHtml(path)}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`,
    )
    .join("");
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<details id="schema-${escapeHtml(name)}"><summary>${escapeHtml(name)}</summary>${pre(schema)}</details>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f6f8;padding:.75rem;overflow:auto;border-radius:6px}
section{border-top:1px solid #e3e6ea;padding:.5rem 0}h3{margin:.5rem 0}table{border-collapse:collapse}td,th{padding:2px 10px 2px 0;text-align:left}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7d32}.post{background:#1565c0}.patch{background:#8e5b00}.put{background:#6a1b9a}.delete{background:#b71c1c}
.lock{font-size:12px;color:#555;border:1px solid #ccc;border-radius:4px;padding:0 4px}
</style></head><body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Endpoints</h2><ul>${toc}</ul>
${operations.map(({ path, method, op }) => renderOperation(method, path, op)).join("\n")}
<h2>Schemas</h2>${schemas}
</body></html>`;
}
