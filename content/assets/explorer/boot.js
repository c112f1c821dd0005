// Loaded on every page (tiny): mounts the explorer when the page has one, and unmounts it when
// Material's instant navigation swaps the page, so listeners never pile up.
const root = new URL("../../", import.meta.url);
let unmount = null;

function mountIfPresent() {
  if (unmount) {
    unmount();
    unmount = null;
  }
  const element = document.getElementById("mc-explorer");
  if (!element || element.dataset.mounted) return;
  element.dataset.mounted = "true";
  import("./explorer.js").then(({ mount }) => {
    if (element.isConnected) unmount = mount(element, root);
  });
}

if (window.document$?.subscribe) window.document$.subscribe(mountIfPresent);
else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountIfPresent);
else mountIfPresent();
