"""The staff web page in Debian's Chromium, driven by Playwright, against the real server."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from qa.answer import Answer
from tests.live_server import REPO_ROOT
from tests.test_chat_format import shantytown_answer

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


def direct_for(page: Page, question: str) -> str:
    """The direct answer /ask gives to the question asked on its own."""
    return asked(page, question)["direct"]


def asked(page: Page, question: str) -> dict:
    """The answer JSON /ask gives to the question asked on its own."""
    response = page.request.post(urljoin(page.url, "/ask"), data={"question": question}, timeout=ANSWER_TIMEOUT_MS)
    assert response.ok, response.text()
    return response.json()


def expect_direct_answer_above_the_cards(page: Page, direct: str) -> None:
    """The direct answer on top, as given; the citations appear once, as cards, not again as lines of text."""
    expect(page.locator(".answer-direct")).to_have_count(1)
    expect(page.locator(".answer-direct")).to_have_text(direct)
    answer_box = page.locator(".answer").bounding_box()
    cards_box = page.locator(".cards").bounding_box()
    assert answer_box and cards_box and answer_box["y"] + answer_box["height"] <= cards_box["y"]
    assert page.locator(".answer").evaluate("node => node.compareDocumentPosition(document.querySelector('.cards'))") & 4
    quote = page.locator('[data-measure="91"] .quote').inner_text()
    assert page.locator("#result").inner_text().count(quote) == 1, "measure 91 is quoted once, on its card"
    expect(page.locator(".answer")).not_to_contain_text(quote[:12])


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
    expect_direct_answer_above_the_cards(page, direct_for(page, SHANTYTOWN_ZH))
    card_92 = page.locator('[data-measure="92"]')
    expect(card_92.locator(".others")).not_to_contain_text("省发展改革委")  # the lead is not repeated among the others
    assert save_screenshot(page, "answer.png").stat().st_size > 0


def test_an_english_question_gets_english_cards(page: Page) -> None:
    page.get_by_role("button", name=SHANTYTOWN_EN).click()

    expect_shantytown_cards(page, "No. {}", "Lead")
    expect(page.locator('[data-measure="91"] .lead')).to_contain_text("China Development Bank")
    expect_direct_answer_above_the_cards(page, direct_for(page, SHANTYTOWN_EN))
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
    # An abstention shows its whole explanation, which adds what the library covers.
    expect(abstention.locator(".answer-direct")).to_have_text(asked(page, "第200条讲了什么？")["answer"])
    expect(page.locator(".card")).to_have_count(0)
    save_screenshot(page, "abstained.png")


@pytest.mark.parametrize(
    "update, badge",
    [
        ({"intent": "yes_no", "verdict": "yes"}, "是"),
        ({"intent": "yes_no", "verdict": "no"}, "否"),
        ({"intent": "either_or", "choice": "省金融办"}, "省金融办"),
    ],
)
def test_a_verdict_or_choice_is_a_badge_beside_the_direct_answer(page: Page, update: dict, badge: str) -> None:
    answer = Answer.model_validate({**shantytown_answer("zh").model_dump(), **update})
    page.route("**/ask", lambda route: route.fulfill(status=200, content_type="application/json", body=answer.model_dump_json()))

    ask(page, SHANTYTOWN_ZH)

    direct = page.locator(".answer-direct")
    expect(direct.locator(".verdict")).to_have_text(badge, timeout=ANSWER_TIMEOUT_MS)
    expect(direct).to_have_text(badge + answer.direct)
    expect(page.locator(".card")).to_have_count(4)
    save_screenshot(page, f"answer-{answer.verdict.value if answer.verdict else 'choice'}.png")


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
