// Step 5: the streaming API, over a WebSocket or server-sent events. Events are shown as text.

import { isLoopbackHost } from "./urls.js";

const PATH = "/api/v1/streaming";
const KEEP = 200;  // events on screen
export const NEED_USER = "Streaming needs a user token: log in first (step 3).";
const SCOPES = "the token is invalid, revoked, or lacks read:statuses / read:notifications.";

// Where the token may go: the instance's own host or a subdomain of it (streaming.mastodon.social),
// over wss, or ws on loopback. Nothing announced: the instance itself. {base} or {refused}.
export function streamBase(announced, origin) {
  if (typeof announced !== "string" || !announced) return { base: origin.replace(/^http/, "ws") };
  const home = new URL(origin).hostname;
  let url;
  try {
    url = new URL(announced.replace(/^http/i, "ws"));
  } catch { /* refused below */ }
  const host = url?.hostname;
  if (url && !url.username && !url.password && (host === home || host.endsWith("." + home)) &&
      (url.protocol === "wss:" || (url.protocol === "ws:" && isLoopbackHost(host)))) {
    return { base: url.origin + url.pathname.replace(/\/+$/, "") };
  }
  return { refused: `The instance announces its streaming API at ${announced.slice(0, 200)}, which is not ` +
    `${home} or a subdomain of it over wss: the token is not sent there, and nothing was.` };
}

// The address of a stream (the token is never in it: it goes in a header).
export function streamUrl(base, via, name, arg) {
  const query = new URLSearchParams(via === "ws" ? { stream: name } : {});
  if (name.startsWith("hashtag")) query.set("tag", arg);
  if (name === "list") query.set("list", arg);
  const path = via === "ws" ? PATH : `${PATH}/${name.replace(":", "/")}`;
  const url = new URL((via === "ws" ? base : base.replace(/^ws/, "http")) + path);
  url.search = query;
  return url.href;
}

const plain = (html) => String(html ?? "").replace(/<[^>]*>/g, " ").replace(/&(lt|gt|quot|#39|amp);/g,
  (_, e) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]).replace(/\s+/g, " ").trim();

// One line of the log: time, event, and the status's id and text, a deleted id, or the payload.
export function eventLine(time, event, payload) {
  let text = typeof payload === "string" ? payload : JSON.stringify(payload) ?? "";
  if (event === "update" || event === "status.update") {
    try {
      const status = JSON.parse(text);
      text = `${status.id}: ${plain(status.content).slice(0, 120)}`;
    } catch { /* not a status: the payload as it came */ }
  } else if (event === "delete") text = `id ${text}`;
  return `${time} ${event} ${text.length > 160 ? text.slice(0, 160) + "…" : text}`;
}

// Server-sent events, fed in arbitrary chunks: onEvent(name, data), onComment(text).
export function sseParser(onEvent, onComment) {
  let buffer = "", name = "", data = [];
  return (chunk) => {
    const lines = (buffer + chunk).split(/\r\n|\n|\r(?!$)/);
    buffer = lines.pop();
    for (const line of lines) {
      if (!line) {
        if (data.length) onEvent(name || "message", data.join("\n"));
        name = "";
        data = [];
      } else if (line[0] === ":") onComment(line.slice(1));
      else {
        const [, field, value] = /^([^:]*):? ?(.*)$/s.exec(line);
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
      }
    }
  };
}

export function closedText(code, reason, opened) {
  return opened ? `Closed by the server (code ${code}${reason ? `: ${reason}` : ""}).`
    : `The WebSocket did not open (code ${code}): the server refused it (${SCOPES.replace(".", "")}) or cannot ` +
      "be reached.";
}

export function streamPanel(ui) {
  const { $, on, say, state } = ui;
  const tell = (text, kind) => say("mc-x-stream-status", text, kind);
  let run = 0, current = null, shown = {}, lines = [];
  const base = () => streamBase(state.info?.streaming, state.instance.origin);

  const choice = () => {
    const name = $("mc-x-stream-name").value || "user";
    return { name, via: $("mc-x-stream-via").value || "ws", arg: $("mc-x-stream-arg").value.trim().replace(/^#/, ""),
             needs: name.startsWith("hashtag") ? "Tag" : name === "list" ? "List id" : "" };
  };

  function showWhere() {
    const { name, via, arg, needs } = choice();
    $("mc-x-stream-arg-row").hidden = !needs;
    $("mc-x-stream-arg-name").textContent = needs;
    if (!state.tokens.user) return say("mc-x-stream-where", "");
    const { base: at, refused } = base();
    say("mc-x-stream-where", refused ?? `Connects to ${streamUrl(at, via, name, arg)}`, refused ? "error" : "info");
  }

  function log(event, payload) {
    lines.push(eventLine(new Date().toTimeString().slice(0, 8), event, payload));
    if (lines.length > KEEP) lines.shift();
    $("mc-x-stream-log").textContent = lines.join("\n");
  }

  function stopStream() {
    run++;
    if (!current) return;
    current();
    current = null;
    tell("Closed (code 1000): stopped.");
  }

  async function start(event) {
    event?.preventDefault();
    stopStream();
    const mine = run, token = state.tokens.user?.token, { name, via, arg, needs } = choice();
    if (!state.instance) return;
    if (!token) return tell(NEED_USER, "warning");
    if (needs && !arg) return tell(`Type a ${needs.toLowerCase()} for the ${name} stream.`, "warning");
    const { base: at, refused } = base();
    if (refused) return tell(refused, "error");
    const url = streamUrl(at, via, name, arg), what = `${name}${arg ? " " + arg : ""}`;
    tell(`Connecting to ${url}…`);
    if (via === "ws") {
      // The token as the only subprotocol, as Mastodon accepts it: never in the URL (server logs).
      let ws, opened = false;
      try {
        ws = new WebSocket(url, [token]);
      } catch {
        return tell("This token has characters a WebSocket subprotocol cannot carry: use server-sent events.", "error");
      }
      current = () => ws.close(1000);
      ws.onopen = () => mine === run && (opened = true) && tell(`Subscribed to ${what} over WebSocket.`, "ok");
      ws.onmessage = ({ data }) => {
        if (mine !== run) return;
        let message;
        try {
          message = JSON.parse(data);
        } catch { /* shown as it came */ }
        if (typeof message?.error === "string") {
          tell(`The server refused the stream: ${message.error}` + (message.status === 401 ? `: ${SCOPES}` : "."), "error");
        } else log(message?.event ?? "message", message ? message.payload : String(data));
      };
      ws.onclose = ({ code, reason }) => {
        if (mine !== run) return;
        current = null;
        tell(closedText(code, reason, opened), opened && code === 1000 ? "info" : "error");
      };
      return;
    }
    // fetch, not EventSource: only fetch can send the Authorization header.
    const controller = new AbortController();
    current = () => controller.abort();
    let beats = 0;
    try {
      const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream" },
                                          redirect: "error", credentials: "omit", referrerPolicy: "no-referrer",
                                          cache: "no-store", signal: controller.signal });
      if (!response.ok) {
        const text = await response.text();
        let error = text.slice(0, 200);
        try {
          if (typeof JSON.parse(text).error === "string") error = JSON.parse(text).error;
        } catch { /* not JSON: the text */ }
        throw new Error(response.status === 404 ? "The server offers no server-sent events at this address (404); " +
            "some servers only do WebSocket: choose WebSocket." : response.status === 401 ? `${error}: ${SCOPES}`
          : `The server answered ${response.status}: ${error}`);
      }
      const subscribed = `Subscribed to ${what} over server-sent events`;
      tell(subscribed + ".", "ok");
      const feed = sseParser((name, data) => mine === run && log(name, data), (text) => {
        if (mine === run && text !== ")") tell(`${subscribed}; ${++beats} heartbeat(s).`, "ok");
      });
      const reader = response.body.getReader(), decoder = new TextDecoder();
      for (let part; !(part = await reader.read()).done;) feed(decoder.decode(part.value, { stream: true }));
      if (mine === run) tell("Closed by the server.", "error");
    } catch (error) {
      if (mine !== run) return;
      tell(error instanceof TypeError ? `Could not connect to ${url}: the server cannot be reached, redirected, or ` +
           "does not let this page read its answer (CORS)." : error.message, "error");
    }
    if (mine === run) current = null;
  }

  // Called on connecting and on token changes: another instance or user token ends the stream.
  function renderStream() {
    const { instance } = state, token = state.tokens.user?.token;
    $("mc-x-stream").hidden = !instance;
    if (shown.instance !== instance || shown.token !== token) {
      stopStream();
      shown = { instance, token };
      lines = [];
      $("mc-x-stream-log").textContent = "";
      tell(token ? "" : NEED_USER, token ? "info" : "warning");
    }
    if (instance) showWhere();
  }

  on("mc-x-stream-form", "submit", start);
  on("mc-x-stream-stop", "click", stopStream);
  for (const id of ["mc-x-stream-name", "mc-x-stream-via", "mc-x-stream-arg"]) on(id, "input", showWhere);
  // Unmounting (instant navigation) aborts the view: the stream ends with it.
  const { abort } = ui;
  return { renderStream, stopStream, abort: () => { stopStream(); abort(); } };
}
