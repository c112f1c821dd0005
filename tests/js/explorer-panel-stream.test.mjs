// Step 5 of the explorer, the streaming panel: where a token may go, the SSE parser, the event
// lines (text only), and the panel over a fake WebSocket and fetch.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { closedText, eventLine, NEED_USER, sseParser, streamBase, streamPanel,
         streamUrl } from "../../content/assets/explorer/panel-stream.js";
import { fakeUi, installPage, until } from "./fake-page.mjs";

const ORIGIN = "https://mastodon.social";
const TOKEN = "USER-TOKEN_abc-123";
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  delete globalThis.WebSocket;
});

test("the token goes to the instance's host or a subdomain of it, over wss (ws on loopback only)", () => {
  assert.deepEqual(streamBase(undefined, ORIGIN), { base: "wss://mastodon.social" });
  assert.deepEqual(streamBase("", ORIGIN), { base: "wss://mastodon.social" });
  assert.deepEqual(streamBase(42, ORIGIN), { base: "wss://mastodon.social" });
  assert.deepEqual(streamBase("wss://streaming.mastodon.social", ORIGIN), { base: "wss://streaming.mastodon.social" });
  assert.deepEqual(streamBase("wss://mastodon.social/", ORIGIN), { base: "wss://mastodon.social" });
  assert.deepEqual(streamBase("https://Streaming.Mastodon.Social", ORIGIN), { base: "wss://streaming.mastodon.social" });
  assert.deepEqual(streamBase("wss://mastodon.social:4000", ORIGIN), { base: "wss://mastodon.social:4000" });
  assert.deepEqual(streamBase(undefined, "http://127.0.0.1:3000"), { base: "ws://127.0.0.1:3000" });
  assert.deepEqual(streamBase("ws://127.0.0.1:4000", "http://127.0.0.1:3000"), { base: "ws://127.0.0.1:4000" });
  assert.deepEqual(streamBase("ws://localhost:4000", "http://localhost:3000"), { base: "ws://localhost:4000" });
  for (const hostile of ["wss://evil.example", "wss://mastodon.social.evil.com", "wss://evilmastodon.social",
                         "ws://mastodon.social", "ws://streaming.mastodon.social", "http://streaming.mastodon.social",
                         "wss://user:pass@mastodon.social", "wss://user@streaming.mastodon.social",
                         "javascript:alert(1)", "data:text/plain,x", "//evil.example", "/api/v1/streaming",
                         "wss://mastodon.social.", "ftp://mastodon.social", "wss://[::1]", "not a url"]) {
    const { base, refused } = streamBase(hostile, ORIGIN);
    assert.equal(base, undefined, hostile);
    assert.ok(refused.startsWith(`The instance announces its streaming API at ${hostile}, which is not mastodon.social`),
              refused);
    assert.match(refused, /the token is not sent there/);
  }
  // Loopback is not a licence for another host.
  assert.ok(streamBase("ws://localhost:4000", "http://127.0.0.1:3000").refused);
  assert.ok(streamBase("ws://127.0.0.2", "http://127.0.0.1:3000").refused);
  assert.ok(streamBase("x".repeat(5000), ORIGIN).refused.length < 400, "a long announcement is cut");
});

test("stream addresses carry the stream and its tag or list, never a token", () => {
  const base = "wss://streaming.mastodon.social";
  assert.equal(streamUrl(base, "ws", "user", ""), "wss://streaming.mastodon.social/api/v1/streaming?stream=user");
  assert.equal(streamUrl(base, "ws", "hashtag:local", "café"),
               "wss://streaming.mastodon.social/api/v1/streaming?stream=hashtag%3Alocal&tag=caf%C3%A9");
  assert.equal(streamUrl(base, "ws", "list", "12&x=y"), "wss://streaming.mastodon.social/api/v1/streaming?stream=list&list=12%26x%3Dy");
  assert.equal(streamUrl(base, "sse", "user:notification", ""), "https://streaming.mastodon.social/api/v1/streaming/user/notification");
  assert.equal(streamUrl(base, "sse", "public:remote", ""), "https://streaming.mastodon.social/api/v1/streaming/public/remote");
  assert.equal(streamUrl("ws://127.0.0.1:3000", "sse", "hashtag", "x"), "http://127.0.0.1:3000/api/v1/streaming/hashtag?tag=x");
  assert.equal(streamUrl(base, "sse", "list", "7"), "https://streaming.mastodon.social/api/v1/streaming/list?list=7");
});

test("server-sent events parsed across any split of the chunks", () => {
  const text = ":)\nevent: update\ndata: {\"id\":\"1\"}\n\n:thump\n\r\nevent: delete\r\ndata: 9\r\n\r\n" +
    "data: a\ndata:b\n\nevent: lonely\n\nevent:notification\ndata: {}\n\n";
  const expected = [["update", '{"id":"1"}'], ["delete", "9"], ["message", "a\nb"], ["notification", "{}"]];
  for (let size = 1; size <= text.length; size++) {
    const events = [], comments = [];
    const feed = sseParser((name, data) => events.push([name, data]), (c) => comments.push(c));
    for (let i = 0; i < text.length; i += size) feed(text.slice(i, i + size));
    assert.deepEqual(events, expected, `chunks of ${size}`);
    assert.deepEqual(comments, [")", "thump"]);
  }
  // A bare CR ends a line too, also when it ends a chunk.
  const events = [];
  const feed = sseParser((name, data) => events.push([name, data]), () => {});
  feed("event: x\rdata: 1\r");
  feed("\r");
  assert.deepEqual(events, [], "a CR at the end may be half of a CRLF");
  feed("\n");
  assert.deepEqual(events, [["x", "1"]]);
});

test("event lines: a status's id and text (tags stripped, never HTML), a deleted id, anything else cut", () => {
  const status = JSON.stringify({ id: "109", content: "<p>Hi <a href=\"x\">#tag</a> &lt;img src=x onerror=alert(1)&gt;" +
                                  " &amp; &quot;q&quot;</p><p>two</p>" });
  assert.equal(eventLine("12:00:00", "update", status),
               '12:00:00 update 109: Hi #tag <img src=x onerror=alert(1)> & "q" two');
  assert.equal(eventLine("t", "status.update", JSON.stringify({ id: "5", content: "a".repeat(300) })),
               `t status.update 5: ${"a".repeat(120)}`);
  assert.equal(eventLine("t", "delete", "109"), "t delete id 109");
  assert.equal(eventLine("t", "update", "<b>not json"), "t update <b>not json");
  assert.equal(eventLine("t", "notification", "x".repeat(500)), `t notification ${"x".repeat(160)}…`);
  assert.equal(eventLine("t", "filters_changed", undefined), "t filters_changed ");
  assert.equal(eventLine("t", "conversation", { id: "1" }), 't conversation {"id":"1"}');
  assert.match(closedText(1006, "", false), /did not open \(code 1006\): the server refused it \(the token is invalid/);
  assert.equal(closedText(1011, "boom", true), "Closed by the server (code 1011: boom).");
});

// A WebSocket stand-in: every socket made is kept, with what it was given.
class FakeSocket {
  static made = [];
  constructor(url, protocols) {
    Object.assign(this, { url, protocols, closed: null });
    FakeSocket.made.push(this);
  }

  close(code) {
    this.closed = code;
  }
}

// The instance and what discovery read of it (api.js keeps the announced streaming URL).
const fakeInstance = (streaming = "wss://streaming.mastodon.social", origin = ORIGIN) => ({ origin, streaming });

async function panel({ instance = fakeInstance(), user = { token: TOKEN, scopes: ["read"] } } = {}) {
  const root = installPage();
  FakeSocket.made = [];
  globalThis.WebSocket = FakeSocket;
  const fetched = [];
  globalThis.fetch = async (url, init) => {
    fetched.push([url, init]);
    throw new Error("no fetch expected");
  };
  const ui = await fakeUi(root);
  Object.assign(ui, streamPanel(ui));
  Object.assign(ui.state, { instance: { origin: instance.origin }, info: { streaming: instance.streaming },
                            tokens: user ? { user } : {} });
  const $ = (id) => root.querySelector(`#${id}`);
  const choose = (name, via = "ws", arg = "") => Object.assign(
    [$("mc-x-stream-name"), $("mc-x-stream-via"), $("mc-x-stream-arg")].reduce((o, e, i) => (e.value = [name, via, arg][i], o), {}));
  return { root, ui, $, fetched, choose, status: () => $("mc-x-stream-status").textContent };
}

test("no user token: the panel says log in, and nothing connects", async () => {
  const { ui, $, fetched, choose, status } = await panel({ user: null });
  ui.state.tokens.app = { token: "APP", scopes: ["read"] };
  ui.renderStream();
  assert.equal($("mc-x-stream").hidden, false);
  assert.equal(status(), NEED_USER);
  choose("public");
  await $("mc-x-stream-form").fire("submit");
  assert.equal(status(), "Streaming needs a user token: log in first (step 3).");
  assert.deepEqual([FakeSocket.made, fetched], [[], []]);
});

test("a WebSocket: the address shown first, the token only as subprotocol, events as text, Stop", async () => {
  const { ui, $, choose, status } = await panel();
  ui.renderStream();
  choose("hashtag", "ws", "#Café");
  await $("mc-x-stream-name").fire("input");
  assert.equal($("mc-x-stream-arg-row").hidden, false);
  assert.equal($("mc-x-stream-arg-name").textContent, "Tag");
  const where = "wss://streaming.mastodon.social/api/v1/streaming?stream=hashtag&tag=Caf%C3%A9";
  await until(() => $("mc-x-stream-where").textContent === `Connects to ${where}`, "the address");
  await $("mc-x-stream-form").fire("submit");
  const [ws] = FakeSocket.made;
  assert.equal(ws.url, where);
  assert.ok(!ws.url.includes(TOKEN));
  assert.deepEqual(ws.protocols, [TOKEN]);
  assert.equal(status(), `Connecting to ${where}…`);
  ws.onopen();
  assert.equal(status(), "Subscribed to hashtag Café over WebSocket.");
  const payload = JSON.stringify({ id: "42", content: "<p>&lt;img src=x onerror=alert(1)&gt; #café</p>" });
  ws.onmessage({ data: JSON.stringify({ stream: ["hashtag", "Café"], event: "update", payload }) });
  ws.onmessage({ data: JSON.stringify({ stream: ["hashtag", "Café"], event: "delete", payload: "41" }) });
  ws.onmessage({ data: "<b>not json</b>" });
  const log = $("mc-x-stream-log");
  assert.equal(log.children.length, 0, "text only, no elements");
  assert.match(log.textContent, /^\d\d:\d\d:\d\d update 42: <img src=x onerror=alert\(1\)> #café\n\d\d:\d\d:\d\d delete id 41\n.* message <b>not json<\/b>$/);
  await $("mc-x-stream-stop").fire("click");
  assert.equal(ws.closed, 1000);
  assert.equal(status(), "Closed (code 1000): stopped.");
  ws.onmessage({ data: JSON.stringify({ event: "update", payload: JSON.stringify({ id: "43" }) }) });
  ws.onclose({ code: 1000, reason: "" });
  assert.ok(!log.textContent.includes("43"), "nothing after Stop");
  assert.equal(status(), "Closed (code 1000): stopped.");
});

test("a WebSocket the server closes, refuses, or never opens is said in words", async () => {
  const { ui, $, choose, status } = await panel();
  ui.renderStream();
  choose("public");
  await $("mc-x-stream-form").fire("submit");
  let [ws] = FakeSocket.made;
  ws.onopen();
  ws.onmessage({ data: JSON.stringify({ error: "Access token does not have the required scopes", status: 401 }) });
  assert.equal(status(), "The server refused the stream: Access token does not have the required scopes: the token " +
               "is invalid, revoked, or lacks read:statuses / read:notifications.");
  ws.onclose({ code: 1011, reason: "gone" });
  assert.equal(status(), "Closed by the server (code 1011: gone).");
  await $("mc-x-stream-form").fire("submit");
  ws = FakeSocket.made[1];
  ws.onclose({ code: 1006, reason: "" });
  assert.match(status(), /^The WebSocket did not open \(code 1006\)/);
  // Start restarts: one stream at a time.
  await $("mc-x-stream-form").fire("submit");
  await $("mc-x-stream-form").fire("submit");
  assert.equal(FakeSocket.made[2].closed, 1000);
  assert.equal(FakeSocket.made[3].closed, null);
  // A tag is needed for a hashtag stream.
  choose("hashtag");
  await $("mc-x-stream-form").fire("submit");
  assert.equal(status(), "Type a tag for the hashtag stream.");
  assert.equal(FakeSocket.made.length, 4);
});

test("a hostile announced streaming URL: named, refused, nothing sent", async () => {
  const { ui, $, fetched, choose, status } = await panel({ instance: fakeInstance("wss://mastodon.social.evil.com") });
  ui.renderStream();
  await until(() => $("mc-x-stream-where").dataset.kind === "error", "the refusal");
  assert.match($("mc-x-stream-where").textContent, /^The instance announces its streaming API at wss:\/\/mastodon\.social\.evil\.com/);
  for (const via of ["ws", "sse"]) {
    choose("user", via);
    await $("mc-x-stream-form").fire("submit");
    assert.match(status(), /wss:\/\/mastodon\.social\.evil\.com.*the token is not sent there/);
  }
  assert.deepEqual([FakeSocket.made, fetched], [[], []]);
});

test("an announced loopback streaming server on another port; none announced: the instance itself", async () => {
  const { ui, $, choose } = await panel({ instance: fakeInstance("ws://127.0.0.1:4000", "http://127.0.0.1:3000") });
  ui.renderStream();
  choose("direct");
  await $("mc-x-stream-form").fire("submit");
  assert.equal(FakeSocket.made[0].url, "ws://127.0.0.1:4000/api/v1/streaming?stream=direct");
  const bare = await panel({ instance: fakeInstance(null) });
  bare.ui.renderStream();
  bare.choose("user");
  await bare.$("mc-x-stream-form").fire("submit");
  assert.equal(FakeSocket.made[0].url, `${ORIGIN.replace("https", "wss")}/api/v1/streaming?stream=user`);
});

// An SSE answer whose body arrives in the given chunks, then stays open until aborted.
function sseAnswer(chunks, signal, status = 200, type = "text/event-stream") {
  const encoder = new TextEncoder();
  const body = new ReadableStream({ start(controller) {
    for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
    signal.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
  } });
  return new Response(body, { status, headers: { "Content-Type": type } });
}

test("server-sent events: a header for the token, no redirects, no cookies; heartbeats counted; Stop aborts", async () => {
  const { ui, $, fetched, choose, status } = await panel();
  let signal;
  globalThis.fetch = async (url, init) => {
    fetched.push([url, init]);
    signal = init.signal;
    return sseAnswer([":)\nevent: update\nda", "ta: {\"id\":\"7\",\"content\":\"<p>hello</p>\"}\n\n:thump\n\n", ":thump\n\n"],
                     init.signal);
  };
  ui.renderStream();
  choose("hashtag:local", "sse", "x");
  $("mc-x-stream-form").fire("submit");  // resolves when the stream ends
  await until(() => status().endsWith("2 heartbeat(s)."), "the heartbeats");
  const [[url, init]] = fetched;
  assert.equal(url, "https://streaming.mastodon.social/api/v1/streaming/hashtag/local?tag=x");
  assert.deepEqual(init.headers, { Authorization: `Bearer ${TOKEN}`, Accept: "text/event-stream" });
  assert.deepEqual([init.redirect, init.credentials, init.referrerPolicy, init.cache], ["error", "omit", "no-referrer", "no-store"]);
  assert.equal(status(), "Subscribed to hashtag:local x over server-sent events; 2 heartbeat(s).");
  assert.match($("mc-x-stream-log").textContent, /^\d\d:\d\d:\d\d update 7: hello$/);
  await $("mc-x-stream-stop").fire("click");
  assert.equal(signal.aborted, true);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(status(), "Closed (code 1000): stopped.");
});

test("server-sent events refused: 404 suggests WebSocket, 401 gives the server's words, a network error says so", async () => {
  const { ui, $, choose, status } = await panel();
  ui.renderStream();
  choose("user", "sse");
  const answers = [new Response('{"error":"Not found"}', { status: 404 }),
                   new Response('{"error":"Invalid access token"}', { status: 401 }),
                   new Response("<h1>Oops</h1>", { status: 500 })];
  globalThis.fetch = async () => answers.shift() ?? Promise.reject(new TypeError("Failed to fetch"));
  const said = [];
  for (let i = 0; i < 4; i++) {
    await $("mc-x-stream-form").fire("submit");
    said.push([status(), $("mc-x-stream-status").dataset.kind]);
  }
  assert.deepEqual(said, [
    ["The server offers no server-sent events at this address (404); some servers only do WebSocket: choose WebSocket.", "error"],
    ["Invalid access token: the token is invalid, revoked, or lacks read:statuses / read:notifications.", "error"],
    ["The server answered 500: <h1>Oops</h1>", "error"],
    ["Could not connect to https://streaming.mastodon.social/api/v1/streaming/user: the server cannot be reached, " +
     "redirected, or does not let this page read its answer (CORS).", "error"]]);
});

test("another user token, another instance, or unmounting ends the stream", async () => {
  const { ui, $, choose, status } = await panel();
  ui.renderStream();
  choose("user");
  const start = async () => {
    await $("mc-x-stream-form").fire("submit");
    return FakeSocket.made.at(-1);
  };
  let ws = await start();
  ui.state.tokens.app = { token: "APP", scopes: [] };
  ui.renderStream();
  assert.equal(ws.closed, null, "an app token changing leaves the stream alone");
  ui.state.tokens.user = { token: "OTHER", scopes: ["read"] };
  ui.renderStream();
  assert.equal(ws.closed, 1000);
  assert.equal(status(), "");
  ws = await start();
  Object.assign(ui.state, { instance: { origin: "https://other.example" }, info: { streaming: null } });
  ui.renderStream();
  assert.equal(ws.closed, 1000);
  ws = await start();
  assert.equal(ws.url, "wss://other.example/api/v1/streaming?stream=user");
  delete ui.state.tokens.user;
  ui.renderStream();
  assert.equal(ws.closed, 1000);
  assert.equal(status(), NEED_USER);
  ui.state.tokens.user = { token: TOKEN, scopes: ["read"] };
  ui.renderStream();
  ws = await start();
  ui.abort();
  assert.equal(ws.closed, 1000);
  assert.equal(await $("mc-x-stream-form").fire("submit"), 0, "no listener left");
});
