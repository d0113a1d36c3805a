"""`qa bench --hostile`: hostile requests replayed against the real service, each with what it sent,
the status, the time taken, the server's resident memory before and after, and whether the service
held (refused what it must refuse, kept what it must keep apart, stayed responsive).

The service runs under uvicorn with the admin routes and both WeChat callbacks configured, on
throwaway secrets; the broken-index replay runs on a damaged copy of the data folder.
"""
from __future__ import annotations

import base64
import http.client
import itertools
import json
import os
import secrets
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import wechatpy
from pydantic import BaseModel
from wechatpy.utils import WeChatSigner

from bench.raw_http import CHUNK_BYTES, RawResponse, post_chunked, post_whole
from bench.service import REPO_ROOT, Deadline, Log, eval_questions, memory_of, running_service, settings_environment
from index.hybrid import VECTORS_FILE
from qa.settings import Settings
from service.child_process import HOST, service_process

HOSTILE_JSON = "hostile.json"
HOSTILE_MD = "hostile.md"
MIB = 1024 * 1024
TIMEOUT_SECONDS = 60.0  # a reload rebuilds the index beside the serving one
SERVICE_START_SECONDS = 300.0
# A damaged index may be rebuilt from the corpus before the service is ready.
BROKEN_START_SECONDS = 120.0
RSS_SAMPLE_SECONDS = 0.005
RSS_GROWTH_LIMIT_MIB = 50.0
PROBE_LIMIT_MS = 100.0
SHORT_ERROR_BYTES = 2000
OVERLONG_QUESTION_CHARS = 5000
ACCOUNT = "gh_policyqa"


@dataclass(frozen=True)
class HostileSizes:
    """How big the attacks are; the defaults are the full replay, tests pass smaller ones."""

    chunked_bytes: int = 250 * MIB  # each chunked body to the WeChat callbacks
    chunked_senders: int = 4  # of those, at once per callback
    json_bytes: int = 21 * MIB  # the JSON body to /ask and /v1/chat/completions
    concurrent_asks: int = 32  # /ask requests in flight while /healthz is probed
    health_probes: int = 20


class AttackRow(BaseModel):
    attack: str
    sent: str
    statuses: list[int]  # one per request the verdict rests on
    ms: float
    rss_before_mib: float
    rss_after_mib: float  # the highest resident memory seen during the attack, where it was sampled
    held: bool
    detail: str  # the figures and answers the verdict rests on


@dataclass(frozen=True)
class Target:
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@dataclass(frozen=True)
class Secrets:
    admin_token: str
    wechat_token: str

    @classmethod
    def fresh(cls) -> Secrets:
        return cls(admin_token=secrets.token_urlsafe(16), wechat_token=secrets.token_hex(8))

    def environment(self) -> dict[str, str]:
        aes_key = base64.b64encode(os.urandom(32)).decode()[:-1]  # WeChat's 43-character EncodingAESKey
        app_id = f"wx{secrets.token_hex(8)}"
        return {
            "QA_ADMIN_TOKEN": self.admin_token,
            "QA_WECHAT_TOKEN": self.wechat_token,
            "QA_WECHAT_AES_KEY": aes_key,
            "QA_WECHAT_APPID": app_id,
            "QA_WECOM_TOKEN": self.wechat_token,
            "QA_WECOM_AES_KEY": aes_key,
            "QA_WECOM_CORP_ID": app_id,
        }


def _silent(_: str) -> None:
    pass


def replay(settings: Settings, out_dir: Path, sizes: HostileSizes = HostileSizes(), log: Log = _silent) -> list[AttackRow]:
    """Every attack against a service on settings.data_dir, then the broken-index start on a damaged
    copy of it; the rows are written to out_dir as hostile.json and hostile.md and returned."""
    keys = Secrets.fresh()
    env = {**os.environ, **settings_environment(settings), **keys.environment()}
    rows: list[AttackRow] = []
    with running_service(env, Deadline(SERVICE_START_SECONDS), log, []) as (process, port):
        target = Target(port, process.pid)
        rows += chunked_floods(target, sizes)
        rows += oversized_json(target, sizes)
        rows.append(overlong_question(target))
        rows.append(health_under_load(target, sizes))
        rows.append(messages_without_ids(target, keys))
        rows.append(spoofed_conversation(target, keys))
        rows.append(replayed_signature(target, keys))
        rows.append(readiness_when_ready(target))
        rows += admin_reload(target, keys)
    log("starting the service on a damaged copy of the index")
    rows += broken_index(settings, env)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / HOSTILE_JSON).write_text(json.dumps([row.model_dump() for row in rows], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out_dir / HOSTILE_MD).write_text(hostile_markdown(rows) + "\n", encoding="utf-8")
    return rows


# Sending


def request(port: int, method: str, path: str, body: dict | str | None = None, headers: dict[str, str] | None = None) -> RawResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_SECONDS)
    content = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if body is not None else None
    all_headers = {"Content-Type": "application/json" if isinstance(body, dict) else "text/xml", **(headers or {})}
    try:
        connection.request(method, path, body=content, headers=all_headers)
        response = connection.getresponse()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def timed_ms(send: Callable[[], RawResponse]) -> tuple[RawResponse, float]:
    started = time.perf_counter()
    response = send()
    return response, (time.perf_counter() - started) * 1000


def rss_mib(target: Target) -> float:
    return memory_of(target.pid).rss_mib


@contextmanager
def peak_rss(target: Target) -> Iterator[dict[str, float]]:
    """The server's highest resident memory while the block runs, sampled every few milliseconds:
    memory taken for a body and freed once it is refused shows only while it is held."""
    seen = {"peak": rss_mib(target)}
    sampling = threading.Event()
    sampling.set()

    def sample() -> None:
        while sampling.is_set():
            seen["peak"] = max(seen["peak"], rss_mib(target))
            time.sleep(RSS_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield seen
    finally:
        sampling.clear()
        sampler.join()


# WeChat as the sender


def signed_query(token: str) -> str:
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return f"signature={signer.signature}&timestamp={timestamp}&nonce={nonce}"


def text_message(content: str, user: str, with_ids: bool = True) -> str:
    """A plaintext-mode text message; without ids it has no MsgId and no CreateTime, as some senders send."""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        + (f"<CreateTime>{int(time.time())}</CreateTime>" if with_ids else "")
        + f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        + (f"<MsgId>{uuid.uuid4().int % 10**19}</MsgId>" if with_ids else "")
        + "</xml>"
    )


def reply_text(response: RawResponse) -> str:
    if response.status != 200:
        return ""
    return wechatpy.parse_message(response.body.decode()).content or ""


# The attacks


def chunked_floods(target: Target, sizes: HostileSizes) -> list[AttackRow]:
    rows = []
    for path in ("/wechat/mp", "/wechat/work"):
        post_chunked(target.url, path, CHUNK_BYTES * 2)  # the first refusal loads whatever it needs
        before = rss_mib(target)
        started = time.perf_counter()
        with peak_rss(target) as memory, ThreadPoolExecutor(sizes.chunked_senders) as pool:
            responses = list(pool.map(lambda _: post_chunked(target.url, path, sizes.chunked_bytes), range(sizes.chunked_senders)))
        ms = (time.perf_counter() - started) * 1000
        growth = memory["peak"] - before
        rows.append(
            AttackRow(
                attack=f"chunked flood {path}",
                sent=f"{sizes.chunked_senders} × {sizes.chunked_bytes / MIB:.0f} MB chunked, unsigned, at once",
                statuses=[r.status for r in responses],
                ms=ms,
                rss_before_mib=before,
                rss_after_mib=memory["peak"],
                held=all(400 <= r.status < 500 for r in responses) and growth < RSS_GROWTH_LIMIT_MIB,
                detail=f"peak RSS growth {growth:.1f} MiB (limit {RSS_GROWTH_LIMIT_MIB:.0f})",
            )
        )
    return rows


def oversized_json(target: Target, sizes: HostileSizes) -> list[AttackRow]:
    marker = "棚户区改造"
    filler = marker * (sizes.json_bytes // len(marker.encode()))
    bodies = {
        "/ask": {"question": filler},
        "/v1/chat/completions": {"messages": [{"role": "user", "content": filler}]},
    }
    rows = []
    for path, body in bodies.items():
        data = json.dumps(body, ensure_ascii=False).encode()
        before = rss_mib(target)
        with peak_rss(target) as memory, ThreadPoolExecutor(2) as pool:
            upload = pool.submit(timed_ms, lambda: post_whole(target.url, path, data))
            _, health_ms = timed_ms(lambda: request(target.port, "GET", "/healthz"))
            response, ms = upload.result()
        echoed = marker.encode() * 2 in response.body
        rows.append(
            AttackRow(
                attack=f"oversized JSON {path}",
                sent=f"{len(data) / MIB:.1f} MB JSON with Content-Length",
                statuses=[response.status],
                ms=ms,
                rss_before_mib=before,
                rss_after_mib=memory["peak"],
                held=response.status == 413 and not echoed and health_ms < PROBE_LIMIT_MS,
                detail=f"response {len(response.body)} B, echoed: {'yes' if echoed else 'no'}; /healthz during the upload {health_ms:.1f} ms",
            )
        )
    return rows


def overlong_question(target: Target) -> AttackRow:
    before = rss_mib(target)
    response, ms = timed_ms(lambda: request(target.port, "POST", "/ask", {"question": "棚" * OVERLONG_QUESTION_CHARS}))
    return AttackRow(
        attack="overlong question",
        sent=f"/ask with a question of {OVERLONG_QUESTION_CHARS:,} characters",
        statuses=[response.status],
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held=response.status == 422 and len(response.body) < SHORT_ERROR_BYTES,
        detail=f"response {len(response.body)} B (limit {SHORT_ERROR_BYTES})",
    )


def health_under_load(target: Target, sizes: HostileSizes) -> AttackRow:
    questions = eval_questions()
    probing = threading.Event()
    probing.set()
    ask_statuses: list[int | None] = []
    turns = itertools.count()  # shared by the workers so that they ask different questions

    def keep_asking() -> None:
        while probing.is_set():
            question = questions[next(turns) % len(questions)]
            try:
                ask_statuses.append(request(target.port, "POST", "/ask", {"question": question}).status)
            except (OSError, http.client.HTTPException):
                ask_statuses.append(None)

    before = rss_mib(target)
    started = time.perf_counter()
    with ThreadPoolExecutor(sizes.concurrent_asks) as pool:
        workers = [pool.submit(keep_asking) for _ in range(sizes.concurrent_asks)]
        time.sleep(0.5)  # the questions are in the server by now
        probes = []
        for _ in range(sizes.health_probes):
            probes.append(timed_ms(lambda: request(target.port, "GET", "/healthz")))
            time.sleep(0.05)
        probing.clear()
        for worker in workers:
            worker.result()
    ms = (time.perf_counter() - started) * 1000
    probe_ms = [seconds for _, seconds in probes]
    p50, slowest = statistics.median(probe_ms), max(probe_ms)
    return AttackRow(
        attack="/healthz under /ask load",
        sent=f"{sizes.health_probes} /healthz probes while {sizes.concurrent_asks} /ask requests were in flight",
        statuses=sorted({response.status for response, _ in probes}),
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held=all(response.status == 200 for response, _ in probes) and slowest < PROBE_LIMIT_MS,
        detail=f"/healthz p50 {p50:.1f} ms, max {slowest:.1f} ms; {len(ask_statuses)} /ask answered, {sum(s != 200 for s in ask_statuses)} not 200",
    )


def messages_without_ids(target: Target, keys: Secrets) -> AttackRow:
    user = f"oNoIds-{uuid.uuid4().hex[:8]}"
    before = rss_mib(target)
    started = time.perf_counter()
    first = request(target.port, "POST", f"/wechat/mp?{signed_query(keys.wechat_token)}", text_message("第91条讲了什么？", user, with_ids=False))
    second = request(target.port, "POST", f"/wechat/mp?{signed_query(keys.wechat_token)}", text_message("第92条讲了什么？", user, with_ids=False))
    ms = (time.perf_counter() - started) * 1000
    first_text, second_text = reply_text(first), reply_text(second)
    return AttackRow(
        attack="WeChat messages without MsgId",
        sent="two signed messages from one user, no MsgId or CreateTime: 第91条…, then 第92条…",
        statuses=[first.status, second.status],
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held="第91条" in first_text and "第92条" in second_text and "第91条" not in second_text,
        detail=f"second reply: {second_text[:40]!r}",
    )


def spoofed_conversation(target: Target, keys: Secrets) -> AttackRow:
    openid = f"oVictim-{uuid.uuid4().hex[:8]}"
    before = rss_mib(target)
    started = time.perf_counter()
    victim = request(target.port, "POST", f"/wechat/mp?{signed_query(keys.wechat_token)}", text_message("棚户区改造融资由哪个部门牵头？", openid))

    def follow_up(conversation_id: str) -> RawResponse:
        return request(target.port, "POST", "/ask", {"question": "那配合部门呢？", "conversation_id": conversation_id})

    spoofed = follow_up(f"wechat-mp:{openid}")
    unknown = follow_up(f"never-used-{uuid.uuid4()}")
    ms = (time.perf_counter() - started) * 1000

    def reading(response: RawResponse) -> tuple:
        answer = json.loads(response.body) if response.status == 200 else {}
        return answer.get("intent"), answer.get("direct")

    return AttackRow(
        attack="spoofed WeChat conversation",
        sent="/ask follow-up with conversation_id wechat-mp:<openid> after that user asked on /wechat/mp",
        statuses=[victim.status, spoofed.status],
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held=victim.status == spoofed.status == 200 and reading(spoofed) == reading(unknown),
        detail="answered as a fresh conversation" if reading(spoofed) == reading(unknown) else "answered from the WeChat user's context",
    )


def replayed_signature(target: Target, keys: Secrets) -> AttackRow:
    user = f"oReplay-{uuid.uuid4().hex[:8]}"
    path = f"/wechat/mp?{signed_query(keys.wechat_token)}"
    before = rss_mib(target)
    original = request(target.port, "POST", path, text_message("第91条讲了什么？", user))
    forged, ms = timed_ms(lambda: request(target.port, "POST", path, text_message("第92条讲了什么？", user)))
    return AttackRow(
        attack="replayed signature, other body",
        sent="a signed plaintext-mode message, then its signature with another body",
        statuses=[original.status, forged.status],
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held=original.status == 200 and 400 <= forged.status < 500,
        detail=f"forged: {forged.body.decode(errors='replace')[:60]!r}",
    )


def readiness_when_ready(target: Target) -> AttackRow:
    before = rss_mib(target)
    response, ms = timed_ms(lambda: request(target.port, "GET", "/readyz"))
    return AttackRow(
        attack="/readyz when ready",
        sent="GET /readyz",
        statuses=[response.status],
        ms=ms,
        rss_before_mib=before,
        rss_after_mib=rss_mib(target),
        held=response.status == 200,
        detail=response.body.decode(errors="replace"),
    )


def admin_reload(target: Target, keys: Secrets) -> list[AttackRow]:
    rows = []
    for name, headers, expected in (
        ("admin reload without token", {}, 401),
        ("admin reload with a wrong token", {"Authorization": f"Bearer {keys.admin_token}x"}, 401),
        ("admin reload with the token", {"Authorization": f"Bearer {keys.admin_token}"}, 200),
    ):
        before = rss_mib(target)
        response, ms = timed_ms(lambda: request(target.port, "POST", "/admin/reload", headers=headers))
        leaked = keys.admin_token.encode() in response.body
        rows.append(
            AttackRow(
                attack=name,
                sent="POST /admin/reload" + (f" with Authorization: {headers['Authorization'].split()[0]} …" if headers else ""),
                statuses=[response.status],
                ms=ms,
                rss_before_mib=before,
                rss_after_mib=rss_mib(target),
                held=response.status == expected and not leaked,
                detail=f"expected {expected}",
            )
        )
    return rows


def broken_index(settings: Settings, env: dict[str, str]) -> list[AttackRow]:
    """The service started on a copy of the data folder whose vectors were cut short: /readyz while it
    loads (a 503 must say when to come back), then /readyz and /measures/91; no answer may show a path."""
    with tempfile.TemporaryDirectory(prefix="qa-hostile-broken-") as folder:
        data_dir = Path(folder) / "data"
        shutil.copytree(settings.data_dir, data_dir, ignore=shutil.ignore_patterns(".lock"))
        damaged = sorted(data_dir.glob(f"vectors-*/{VECTORS_FILE}"))[0]
        damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
        paths = {str(data_dir), str(Path(folder)), str(REPO_ROOT), str(settings.data_dir.resolve()), tempfile.gettempdir() + "/"}
        broken_env = {**env, "QA_DATA_DIR": str(data_dir)}
        started = time.perf_counter()
        with service_process(broken_env, ready_path="/healthz", timeout_seconds=BROKEN_START_SECONDS, cwd=REPO_ROOT) as service:
            port = int(service.url.rsplit(":", 1)[1])
            target = Target(port, service.process.pid)
            before = rss_mib(target)
            loading: RawResponse | None = None
            end = time.monotonic() + BROKEN_START_SECONDS
            while (ready := request(port, "GET", "/readyz")).status == 503 and time.monotonic() < end:
                if json.loads(ready.body).get("status") != "loading":
                    break
                loading = loading or ready
                time.sleep(0.2)
            ms = (time.perf_counter() - started) * 1000
            measure = request(port, "GET", "/measures/91")
            rebuilt = "rebuilding" in service.log_text()
            after = rss_mib(target)

    def shows_path(response: RawResponse) -> bool:
        text = response.body.decode(errors="replace")
        return any(path in text for path in paths)

    rows = [
        AttackRow(
            attack="broken index: /readyz",
            sent=f"service on a data copy whose {damaged.parent.name}/{VECTORS_FILE} is cut in half",
            statuses=[ready.status],
            ms=ms,
            rss_before_mib=before,
            rss_after_mib=after,
            held=not shows_path(ready) and ready.status == 200 and rebuilt,
            detail=f"index rebuilt and logged: {'yes' if rebuilt else 'no'}; {ready.body.decode(errors='replace')[:160]}",
        ),
        AttackRow(
            attack="broken index: /measures/91",
            sent="GET /measures/91 on the damaged copy",
            statuses=[measure.status],
            ms=ms,
            rss_before_mib=before,
            rss_after_mib=after,
            held=measure.status == 200 and not shows_path(measure),
            detail=f"absolute path in the body: {'yes' if shows_path(measure) else 'no'}",
        ),
    ]
    if loading is not None:
        retry_after = loading.headers.get("retry-after")
        rows.append(
            AttackRow(
                attack="/readyz while loading",
                sent="GET /readyz while the damaged index was rebuilt",
                statuses=[loading.status],
                ms=ms,
                rss_before_mib=before,
                rss_after_mib=after,
                held=retry_after is not None and not shows_path(loading),
                detail=f"Retry-After: {retry_after}; {loading.body.decode(errors='replace')[:120]}",
            )
        )
    return rows


def hostile_markdown(rows: list[AttackRow]) -> str:
    lines = [
        "# Hostile requests",
        "",
        "| attack | status | ms | RSS before → after MiB | held | detail |",
        "|---|---|---:|---|---|---|",
    ]
    for row in rows:
        statuses = ", ".join(str(status) for status in row.statuses)
        detail = row.detail.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {row.attack} | {statuses} | {row.ms:.0f} | {row.rss_before_mib:.0f} → {row.rss_after_mib:.0f} "
            f"| {'yes' if row.held else 'no'} | {detail} |"
        )
    return "\n".join(lines)
