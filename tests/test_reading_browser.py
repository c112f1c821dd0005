"""The reading pages in Chromium: the all-endpoints tables sort when a reader selects a
column's header, by keyboard too, and survive Material's instant navigation."""

from test_explorer_browser import chromium, site  # noqa: F401 - shared fixtures


def column(page, section: str, index: int) -> list[str]:
    return page.evaluate(
        """([section, index]) => {
            let node = document.getElementById(section).nextElementSibling;
            while (!node.matches('.mc-sortable')) node = node.nextElementSibling;
            return Array.from(node.querySelectorAll('tbody tr'), tr => tr.cells[index].textContent.trim());
        }""", [section, index])


def test_a_section_sorts_by_the_column_chosen(chromium, site):  # noqa: F811
    page = chromium.new_page()
    page.goto(site.url + "api/endpoints/")
    before = column(page, "page-methods-accounts", 1)
    assert before != sorted(before)  # catalog order, grouped as the page documents them
    header = page.locator("#page-methods-accounts ~ .mc-sortable th").nth(1)
    header.get_by_role("button", name="Path").click()
    assert column(page, "page-methods-accounts", 1) == sorted(before, key=str.lower)
    assert header.get_attribute("aria-sort") == "ascending"
    header.get_by_role("button").focus()
    page.keyboard.press("Enter")
    assert column(page, "page-methods-accounts", 1) == sorted(before, key=str.lower, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    other = column(page, "page-methods-apps", 1)
    assert other == column(page, "page-methods-apps", 1)  # other sections keep their order
    page.close()


def test_sorting_works_after_instant_navigation(chromium, site):  # noqa: F811
    page = chromium.new_page()
    page.goto(site.url)
    page.locator("nav a[href$='api/endpoints/']").first.click()
    page.wait_for_selector(".mc-sortable th button")
    assert page.locator(".mc-sortable th button").count() == 4 * page.locator(".mc-sortable table").count()
    page.close()
