"""On a phone (390 px wide, Chromium): no page scrolls sideways, a table too wide for the screen
scrolls inside its own box, and identifiers in inline code never break between two letters
(verify_credenti|als): only after '/', '_', ':' or other punctuation, or at a space."""

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, StaticSite, require_chromium

PAGES = ["methods/accounts/", "methods/admin/canonical_email_blocks/", "api/oauth-scopes/", "api/endpoints/",
         "entities/Instance/", "entities/Status/", "client/authorized/", "api/guidelines/", "spec/activitypub/",
         "explorer/"]

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement)
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return a;
    return null;
  };
  const out = {pageWidth: document.documentElement.scrollWidth, width, outside: [], midWord: [], scrollingTables: 0};
  for (const el of document.querySelectorAll("article *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !scrolls(el)) out.outside.push(el.tagName + " " + el.textContent.slice(0, 50));
  }
  for (const table of document.querySelectorAll("article table")) {
    const box = scrolls(table);
    if (box && box.scrollWidth > box.clientWidth) out.scrollingTables++;
  }
  const word = /[A-Za-z0-9]/;
  for (const code of document.querySelectorAll("article code:not(pre code)")) {
    if (code.getClientRects().length < 2 && code.getBoundingClientRect().height < 30) continue;
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let top = null, previous = "";
    while (walker.nextNode()) {
      const text = walker.currentNode;
      for (let i = 0; i < text.data.length; i++) {
        const range = document.createRange();
        range.setStart(text, i); range.setEnd(text, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        if (top !== null && rects[0].top > top + 2 && word.test(previous) && word.test(text.data[i]))
          out.midWord.push(code.textContent.slice(0, 60) + " at " + previous + "|" + text.data[i]);
        top = rects[0].top; previous = text.data[i];
      }
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def phone(real_site):
    require_chromium()
    from playwright.sync_api import sync_playwright

    served = StaticSite(real_site.dir)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        yield lambda path: (page.goto(served.url + path), page.wait_for_load_state("load"), page.evaluate(MEASURE))[2]
        browser.close()
    served.stop()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_and_no_identifier_breaks_mid_word(phone, path):
    seen = phone(path)
    assert seen["width"] == 390
    assert seen["pageWidth"] <= seen["width"], f"the page scrolls sideways ({seen['pageWidth']} px)"
    assert not seen["outside"], f"outside the screen, not in a scrolling box: {seen['outside'][:5]}"
    assert not seen["midWord"], f"broken mid-word: {seen['midWord'][:5]}"


def test_wide_tables_scroll_in_their_own_box(phone):
    """The guard for the test above: wide tables exist on a phone, and they scroll where they are."""
    assert phone("methods/accounts/")["scrollingTables"] > 0
