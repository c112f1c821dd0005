// Inline code (paths, scope names, parameter names) may wrap after "/", "_" or ":", never in
// the middle of a word: catalog.css turns off the mid-word breaking Material allows, and a <wbr>
// after each of those characters gives the browser its places. Text nodes only, so the page's
// Content-Security-Policy and the copied text are unaffected.
function mark(code) {
  if (code.dataset.wrap) return;
  code.dataset.wrap = "";
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = text.data.split(/(?<=[/_:])(?=.)/);
    if (parts.length < 2) continue;
    text.replaceWith(...parts.flatMap((part, i) => (i ? [document.createElement("wbr"), part] : [part])));
  }
}

function markAll() {
  document.querySelectorAll(".md-typeset code:not(pre code)").forEach(mark);
}

if (window.document$?.subscribe) window.document$.subscribe(markAll);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
else markAll();
