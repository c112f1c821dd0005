// Turning an endpoint and the console's form values into a request, and a request into curl.

export class RequestError extends Error {}

function typed(param, text) {
  if (param.type === "integer" || param.type === "number") {
    const value = Number(text);
    if (Number.isNaN(value)) throw new RequestError(`${param.name} must be a number.`);
    return value;
  }
  if (param.type === "boolean") return text === "true";
  return text;
}

function listOf(value) {
  if (Array.isArray(value)) return value;
  return String(value).split("\n").map((s) => s.trim()).filter(Boolean);
}

function isList(param) {
  return param.type === "array" || param.name.endsWith("[]");
}

// "poll[options][]" -> ["poll", "options", ""], for nesting JSON bodies.
function keyPath(name) {
  const [head, ...rest] = name.split("[");
  return [head, ...rest.map((part) => part.replace(/]$/, ""))];
}

function setPath(target, path, value) {
  const keys = path.at(-1) === "" ? path.slice(0, -1) : path; // "a[]" is the list itself
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    node[key] ??= {};
    node = node[key];
  });
  node[keys.at(-1)] = value;
}

// values: {paramName: string | string[] | File}; empty strings are left out.
// encoding: "json", "form" or "multipart" (multipart is forced when a file is chosen).
export function buildRequest(endpoint, values, origin, encoding = "json") {
  const filled = (param) => {
    const value = values[param.name];
    return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length);
  };
  let path = endpoint.path;
  for (const param of endpoint.params.filter((p) => p.in === "path")) {
    if (!filled(param)) throw new RequestError(`Fill in the path parameter ${param.name}.`);
    path = path.replace(`:${param.name}`, encodeURIComponent(values[param.name]));
  }
  const missing = endpoint.params.filter((p) => p.required && p.in !== "path" && p.in !== "header" && !filled(p));
  if (missing.length) throw new RequestError(`Fill in the required ${missing.map((p) => p.name).join(", ")}.`);
  const url = new URL(path, origin);
  const headers = {};
  for (const param of endpoint.params.filter(filled)) {
    if (param.in === "query") {
      for (const item of isList(param) ? listOf(values[param.name]) : [values[param.name]]) {
        url.searchParams.append(param.name, item);
      }
    } else if (param.in === "header" && param.name.toLowerCase() !== "authorization") {
      headers[param.name] = String(values[param.name]);
    }
  }
  const form = endpoint.params.filter((p) => p.in === "form" && filled(p));
  let body = null;
  let bodyText = null;
  if (form.length) {
    if (form.some((p) => values[p.name] instanceof Blob)) encoding = "multipart";
    if (encoding === "json") {
      const json = {};
      for (const p of form) {
        const value = isList(p) ? listOf(values[p.name]).map((v) => typed({ ...p, type: p.items ?? "string" }, v))
          : typed(p, values[p.name]);
        setPath(json, keyPath(p.name), value);
      }
      body = bodyText = JSON.stringify(json);
      headers["Content-Type"] = "application/json";
    } else {
      const pairs = [];
      for (const p of form) {
        for (const item of isList(p) && !(values[p.name] instanceof Blob) ? listOf(values[p.name]) : [values[p.name]]) {
          pairs.push([p.name, item]);
        }
      }
      if (encoding === "multipart") {
        body = new FormData();
        pairs.forEach(([k, v]) => body.append(k, v));
        bodyText = pairs.map(([k, v]) => [k, v instanceof Blob ? `@${v.name ?? "file"}` : String(v)]);
      } else {
        body = new URLSearchParams(pairs.map(([k, v]) => [k, String(v)]));
        bodyText = body.toString();
        headers["Content-Type"] = "application/x-www-form-urlencoded";
      }
    }
  }
  return { method: endpoint.method, url: url.href, headers, body, bodyText, encoding };
}

function quote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

// The token is redacted unless the reader asks to reveal it.
export function toCurl(request, token, reveal = false) {
  const lines = [`curl -X ${request.method} ${quote(request.url)}`];
  if (token) lines.push(`  -H ${quote(`Authorization: Bearer ${reveal ? token : "<token>"}`)}`);
  for (const [name, value] of Object.entries(request.headers)) {
    if (!(request.encoding === "multipart" && name === "Content-Type")) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  }
  if (Array.isArray(request.bodyText)) {
    for (const [name, value] of request.bodyText) lines.push(`  -F ${quote(`${name}=${value}`)}`);
  } else if (request.bodyText !== null) {
    lines.push(`  --data-raw ${quote(request.bodyText)}`);
  }
  return lines.join(" \\\n");
}
