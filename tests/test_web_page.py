"""The staff web page in Debian's Chromium, driven by Playwright, against the real server."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.live_server import REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"

SHANTYTOWN_ZH = "棚户区改造的融资工作由哪个部门牵头？"
SHANTYTOWN_EN = "Who leads the shantytown renovation financing?"
SHANTYTOWN_LEADS = {91: "省国开行", 92: "省发展改革委", 93: "省国开行", 94: "省金融办"}
ANSWER_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium chromium-driver` "
            "(the browser tests drive it instead of downloading Playwright's own browser)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, url: str, width: int = 1000, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    return page


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    page = open_page(browser, live_url)
    yield page
    page.context.close()


def ask(page: Page, question: str) -> None:
    page.get_by_label("您的问题").fill(question)
    page.get_by_role("button", name="提问", exact=True).click()


def expect_shantytown_cards(page: Page, measure_label: str, lead_badge: str) -> None:
    for number, lead in SHANTYTOWN_LEADS.items():
        card = page.locator(f'[data-measure="{number}"]')
        expect(card).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        expect(card.locator(".card-title")).to_have_text(measure_label.format(number))
        expect(card.locator(".badge")).to_have_text(lead_badge)
        expect(card.locator(".lead")).to_have_attribute("data-department", lead)
        expect(card.locator(".lead")).to_contain_text(lead)
        expect(card.locator(".quote")).to_contain_text("负责）")
        expect(card.locator(".card-where")).not_to_be_empty()


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_the_page_is_in_chinese_with_example_questions(page: Page) -> None:
    expect(page).to_have_title("政策问答")
    expect(page.get_by_role("heading", name="政策问答")).to_be_visible()
    expect(page.get_by_role("button", name=SHANTYTOWN_ZH)).to_be_visible()
    expect(page.get_by_role("button", name=SHANTYTOWN_EN)).to_be_visible()
    expect(page.locator("#result")).to_have_attribute("aria-live", "polite")


def test_a_chinese_question_shows_a_card_per_measure_with_the_lead_marked(page: Page) -> None:
    ask(page, SHANTYTOWN_ZH)

    expect_shantytown_cards(page, "第{}条", "牵头")
    expect(page.locator(".answer-text")).to_contain_text("第91条（牵头：省国开行")
    card_92 = page.locator('[data-measure="92"]')
    expect(card_92.locator(".others")).not_to_contain_text("省发展改革委")  # the lead is not repeated among the others
    assert save_screenshot(page, "answer.png").stat().st_size > 0


def test_an_english_question_gets_english_cards(page: Page) -> None:
    page.get_by_role("button", name=SHANTYTOWN_EN).click()

    expect_shantytown_cards(page, "Measure {}", "Lead")
    expect(page.locator('[data-measure="91"] .lead')).to_contain_text("China Development Bank")
    expect(page.locator(".answer-text")).to_contain_text("Measure 91")
    save_screenshot(page, "answer-en.png")


def test_a_follow_up_refers_to_the_previous_question(page: Page) -> None:
    ask(page, SHANTYTOWN_ZH)
    expect(page.locator('[data-measure="91"]')).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

    ask(page, "那配合部门呢？")

    expect(page.locator(".answer")).to_have_attribute("data-intent", "departments", timeout=ANSWER_TIMEOUT_MS)
    expect_shantytown_cards(page, "第{}条", "牵头")
    expect(page.locator('[data-measure="91"] .others')).to_contain_text("省住房城乡建设厅")


def test_a_question_the_library_cannot_answer_says_so(page: Page) -> None:
    ask(page, "第200条讲了什么？")

    abstention = page.locator(".answer-abstained")
    expect(abstention).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(abstention).to_contain_text("未找到答案")
    expect(abstention).to_contain_text("文库中没有第200条措施（共139条）")
    expect(page.locator(".card")).to_have_count(0)
    save_screenshot(page, "abstained.png")


def test_a_refused_question_shows_the_servers_message(page: Page) -> None:
    # The input stops typing at 500 characters; a script can still send more, and the server refuses it.
    page.get_by_label("您的问题").evaluate("(input, text) => { input.value = text; }", "棚" * 501)
    page.get_by_role("button", name="提问", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("问题无法提交", timeout=ANSWER_TIMEOUT_MS)
    expect(alert).to_contain_text("the question is 501 characters long; the limit is 500")


def test_an_empty_question_is_caught_on_the_page(page: Page) -> None:
    ask(page, "   ")

    expect(page.get_by_role("alert")).to_have_text("请输入问题。")


def test_the_answer_fits_a_phone_screen(browser: Browser, live_url: str) -> None:
    page = open_page(browser, live_url, width=390, height=844)
    try:
        ask(page, SHANTYTOWN_ZH)
        expect_shantytown_cards(page, "第{}条", "牵头")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px on a phone"
        save_screenshot(page, "answer-phone.png")
    finally:
        page.context.close()
