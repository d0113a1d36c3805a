"use strict";

// Card labels follow the answer's language; the rest of the page stays Chinese.
const LABELS = {
  zh: {
    lead: "牵头",
    others: "配合部门",
    noDepartments: "未列明责任部门",
    citations: (n) => `引用的原文（${n}）`,
    abstained: "未找到答案",
    verdict: { yes: "是", no: "否" },
  },
  en: {
    lead: "Lead",
    others: "With",
    noDepartments: "No responsible department named",
    citations: (n) => `Cited passages (${n})`,
    abstained: "No answer found",
    verdict: { yes: "Yes", no: "No" },
  },
};

const form = document.getElementById("ask-form");
const input = document.getElementById("question");
const button = document.getElementById("ask-button");
const result = document.getElementById("result");

let conversationId = newConversationId();
let englishNames = null; // canonical department name -> English name, fetched once the index is up

// crypto.randomUUID needs a secure context; staff may open the page over plain http on the intranet.
function newConversationId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function loadEnglishNames() {
  if (englishNames) return englishNames;
  try {
    const response = await fetch("/departments");
    if (!response.ok) return null;
    const departments = await response.json();
    englishNames = new Map(departments.map((d) => [d.name, d.english]));
  } catch {
    return null;
  }
  return englishNames;
}

function departmentName(name, language, names) {
  const english = language === "en" && names ? names.get(name) : null;
  if (!english) return element("span", { class: "dept" }, name);
  return element("span", { class: "dept", lang: "en" }, english, " ", element("span", { class: "dept-zh", lang: "zh-CN" }, name));
}

// The first department listed leads the measure (牵头); the rest support it (配合).
function roles(citation, labels, language, names) {
  const list = element("dl", { class: "roles" });
  list.append(
    element("div", { class: "role role-lead" },
      element("dt", { class: "badge" }, labels.lead),
      element("dd", { class: "lead", "data-department": citation.lead_department },
        departmentName(citation.lead_department, language, names)),
    ),
  );
  const others = citation.departments.slice(1);
  if (others.length) {
    const supporting = element("dd", { class: "others" });
    others.forEach((name, i) => {
      if (i > 0) supporting.append(language === "en" ? ", " : "、");
      supporting.append(departmentName(name, language, names));
    });
    list.append(element("div", { class: "role" }, element("dt", { class: "role-label" }, labels.others), supporting));
  }
  return list;
}

function citationCard(citation, language, names) {
  const labels = LABELS[language];
  const isMeasure = citation.number !== "";
  const title = citation.label;
  const card = element("li", {
    class: "card",
    "data-measure": isMeasure ? citation.number : null,
    "data-lead": citation.lead_department,
  });

  const where = [citation.part, citation.subsection].filter(Boolean).join(" › ");
  card.append(
    element("header", { class: "card-head" },
      element("h3", { class: "card-title", lang: language === "en" ? "en" : "zh-CN" }, title),
      where ? element("p", { class: "card-where", lang: "zh-CN" }, where) : null,
    ),
  );

  if (isMeasure && citation.lead_department) {
    card.append(roles(citation, labels, language, names));
  } else if (isMeasure) {
    card.append(element("p", { class: "muted" }, labels.noDepartments));
  }

  card.append(element("blockquote", { class: "quote", lang: "zh-CN" }, citation.text));
  return card;
}

// A yes/no verdict or the department an either/or question names, shown beside the direct answer.
function answerBadge(answer, labels) {
  if (answer.verdict) {
    return element("span", { class: `verdict verdict-${answer.verdict}`, "data-verdict": answer.verdict }, labels.verdict[answer.verdict]);
  }
  if (answer.choice) {
    const item = (answer.items || []).find((i) => i.department === answer.choice);
    return element("span", { class: "verdict verdict-choice", "data-choice": answer.choice }, item ? item.label : answer.choice);
  }
  return null;
}

// The direct answer is one sentence, rendered as given; the citations follow as cards, never as text.
// An abstention shows its whole explanation, which says what the library covers and what can be asked.
function showAnswer(answer, names) {
  const labels = LABELS[answer.language];
  const children = [];
  const answerBlock = element("div", {
    class: answer.abstained ? "answer answer-abstained" : "answer",
    lang: answer.language === "en" ? "en" : "zh-CN",
    "data-intent": answer.intent,
  });
  if (answer.abstained) {
    answerBlock.append(element("p", { class: "answer-kicker" }, labels.abstained));
  }
  const text = answer.abstained ? answer.answer : answer.direct;
  answerBlock.append(element("p", { class: "answer-direct" }, answer.abstained ? null : answerBadge(answer, labels), text));
  children.push(answerBlock);

  if (answer.citations.length) {
    children.push(element("h2", { class: "cards-title" }, labels.citations(answer.citations.length)));
    const cards = element("ol", { class: "cards" });
    for (const citation of answer.citations) cards.append(citationCard(citation, answer.language, names));
    children.push(cards);
  }
  result.replaceChildren(...children);
}

function showError(message) {
  result.replaceChildren(element("div", { class: "notice notice-error", role: "alert" }, message));
}

async function errorMessage(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to the status line
  }
  const detail = body && (body.message || (typeof body.detail === "string" ? body.detail : null));
  if (response.status === 422) return `问题无法提交：${detail || "请检查输入"}`;
  if (response.status === 503) return `服务正在加载索引，请稍后再试。${detail ? `（${detail}）` : ""}`;
  return `查询失败（HTTP ${response.status}）${detail ? `：${detail}` : ""}`;
}

async function ask(question) {
  button.disabled = true;
  result.setAttribute("aria-busy", "true");
  result.replaceChildren(element("p", { class: "status" }, "正在查询…"));
  try {
    const response = await fetch("/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, conversation_id: conversationId }),
    });
    if (!response.ok) {
      showError(await errorMessage(response));
      return;
    }
    const answer = await response.json();
    const names = answer.language === "en" ? await loadEnglishNames() : null;
    showAnswer(answer, names);
  } catch {
    showError("无法连接到服务，请检查网络后重试。");
  } finally {
    button.disabled = false;
    result.setAttribute("aria-busy", "false");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) {
    showError("请输入问题。");
    input.focus();
    return;
  }
  ask(question);
});

for (const chip of document.querySelectorAll(".chip")) {
  chip.addEventListener("click", () => {
    input.value = chip.textContent;
    form.requestSubmit();
  });
}

document.getElementById("new-conversation").addEventListener("click", () => {
  conversationId = newConversationId();
  result.replaceChildren(element("p", { class: "status" }, "已开始新对话。"));
  input.value = "";
  input.focus();
});
