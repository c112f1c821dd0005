// What the panels touch of the page.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function view(root) {
  const controller = new AbortController();
  const $ = (id) => root.querySelector(`#${id}`);
  return {
    $,
    abort: () => controller.abort(),
    on: (id, event, handler) => $(id).addEventListener(event, handler, { signal: controller.signal }),
    say(id, text, kind = "info") {
      const node = $(id);
      node.textContent = text;
      node.dataset.kind = kind;
    },
  };
}
