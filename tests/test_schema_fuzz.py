"""The real service against its own /openapi.json: schemathesis generates requests for every operation,
valid ones and ones the schema forbids, sends them to uvicorn and checks each response: no 5xx, a
declared status, content type, body and headers, invalid data refused, unsupported methods answered
with a 405 whose Allow lists the path's methods.

Three services: the public routes on `live_url`; the read-only admin route on `observed_service`, with
its token; the routes that change the library on a service of this module's own, on a copy of the
session's index, so that the shared library stays as it is.
"""
from __future__ import annotations

import shutil
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from xml.sax.saxutils import escape

import httpx
import pytest
import schemathesis
from schemathesis import Case, Config, GenerationMode
from schemathesis.errors import FailureGroup
from wechatpy.crypto import WeChatCrypto as MpCrypto
from wechatpy.enterprise.crypto import PrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto
from wechatpy.utils import WeChatSigner

from service.child_process import RunningService
from service.wechat import MESSAGE_FIELDS
from tests.conftest import ADMIN_TOKEN, CHAT_SETTINGS, SERVICE_APP, wait_until_ready
from tests.live_server import start_service

SEED = 20141101
MAX_EXAMPLES = 20  # per operation, in the fuzzing phase; the examples and coverage phases add their own cases
REQUEST_TIMEOUT_SECONDS = 60  # a reload rebuilds the index beside the serving one: ~12 s on two cores
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

# Where schemathesis's positive_data_acceptance does not apply: these routes refuse some schema-valid
# requests, with a declared 400 or 422, for what a schema cannot say. The chat endpoint answers only a
# conversation whose last user message is a question (1 to 500 characters, not all whitespace); the
# callbacks need a signature over the query and a body that is well-formed XML 1.0 and, in safe mode
# and for WeCom, carries <Encrypt>; an upload must be a document with numbered tasks.
REFUSED_BEYOND_THE_SCHEMA = (("POST", "/v1/chat/completions"), ("POST", "/wechat/mp"), ("POST", "/wechat/work"), ("POST", "/documents"))

# The routes that change the library, fuzzed on the module's own service only. A reload has no
# parameters and takes seconds: a few cases say all there is to say about it.
LIBRARY_CHANGES = {("POST", "/documents"), ("DELETE", "/documents/{document_id}"), ("POST", "/admin/reload")}
RELOAD_EXAMPLES = 2


def fuzz_config(headers: dict[str, str] | None = None) -> Config:
    operations = [
        {"include-method": method, "include-path": path, "checks": {"positive_data_acceptance": {"enabled": False}}}
        for method, path in REFUSED_BEYOND_THE_SCHEMA
    ]
    operations.append({"include-path": "/admin/reload", "generation": {"max-examples": RELOAD_EXAMPLES}})
    return Config.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
            "request-timeout": REQUEST_TIMEOUT_SECONDS,
            "operations": operations,
            **({"headers": headers} if headers else {}),
        }
    )


def load_schema(url: str, headers: dict[str, str] | None = None) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{url}/openapi.json", config=fuzz_config(headers))


@pytest.fixture(scope="module")
def public_schema(live_url: str) -> schemathesis.BaseSchema:
    return load_schema(live_url)


@pytest.fixture(scope="module")
def admin_schema(observed_service: RunningService) -> schemathesis.BaseSchema:
    return load_schema(observed_service.url, ADMIN_HEADERS)


@pytest.fixture(scope="module")
def library_service(qa_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """A service of this module's own on a copy of the session's index, with the admin routes."""
    data_dir = tmp_path_factory.mktemp("fuzzed-library") / "data"
    shutil.copytree(qa_env["QA_DATA_DIR"], data_dir)
    env = {**qa_env, "QA_DATA_DIR": str(data_dir), "QA_ADMIN_TOKEN": ADMIN_TOKEN}
    with start_service(SERVICE_APP, env) as service:
        wait_until_ready(service.url)
        yield service


@pytest.fixture(scope="module")
def library_schema(library_service: RunningService) -> schemathesis.BaseSchema:
    return load_schema(library_service.url, ADMIN_HEADERS)


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's lazy schemas label each operation's subtest through `Node._nodeid`, which
    pytest 9.2 no longer has (it keeps the id in `_id`): give the node the attribute back."""
    request.node._nodeid = request.node.nodeid


public = schemathesis.pytest.from_fixture("public_schema")
admin = schemathesis.pytest.from_fixture("admin_schema").include(tag="admin")
library = schemathesis.pytest.from_fixture("library_schema")
for method, path in sorted(LIBRARY_CHANGES):
    admin = admin.exclude(method=method, path=path)


def changes_the_library(ctx) -> bool:
    return (ctx.operation.method.upper(), ctx.operation.path) in LIBRARY_CHANGES


library = library.include(changes_the_library)

CASES: Counter[str] = Counter()  # operation label -> cases sent
STATUSES: dict[str, Counter[int]] = {}  # operation label -> how often each status came back
FAILURES: dict[str, str] = {}  # operation label -> the first failure's summary


def send_and_check(case: Case) -> None:
    label = case.operation.label
    CASES[label] += 1
    if steered(case):
        sign_wechat_callback(case)
        give_the_chat_a_question(case)
    try:
        response = case.call()
        case.validate_response(response, excluded_checks=unchecked_for(response))
    except (Exception, FailureGroup) as error:  # a FailureGroup is a BaseExceptionGroup
        FAILURES.setdefault(label, str(error).strip().splitlines()[0])
        raise
    STATUSES.setdefault(label, Counter())[response.status_code] += 1


def unchecked_for(response: schemathesis.Response) -> list:
    """A streamed chat answer's events go unchecked against the declared stream schema: the schema
    declares the stream as one string, as OpenAPI 3.1 reads a `schema`, and schemathesis reads it as
    the schema of each event, as OpenAPI 3.2 does without an `itemSchema`. Its status, content type
    and headers are checked like any response's."""
    media_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    return [schemathesis.checks.response_schema_conformance] if media_type == "text/event-stream" else []


@public.parametrize()
def test_public_routes_answer_as_their_schema_declares(case: Case) -> None:
    send_and_check(case)


@admin.parametrize()
def test_admin_reads_answer_as_their_schema_declares(case: Case) -> None:
    send_and_check(case)


@library.parametrize()
def test_library_changes_answer_as_their_schema_declares(case: Case) -> None:
    send_and_check(case)


def test_every_operation_was_fuzzed_and_none_failed(library_service: RunningService) -> None:
    """After the three tests above (pytest keeps a module's order): every operation the service
    serves was fuzzed, and no case failed."""
    if not CASES:
        pytest.skip("the fuzzing tests of this module did not run")
    served = httpx.get(f"{library_service.url}/openapi.json").json()["paths"]
    operations = {f"{method.upper()} {path}" for path, methods in served.items() for method in methods}
    total = sum(CASES.values())
    print(f"\nschema fuzz: {total} cases over {len(CASES)} operations, {len(FAILURES)} failures")
    for label in sorted(CASES):
        statuses = " ".join(f"{status}x{count}" for status, count in sorted(STATUSES.get(label, Counter()).items()))
        print(f"  {CASES[label]:4d}  {label:32} {statuses}" + (f"  FAILED: {FAILURES[label]}" if label in FAILURES else ""))
    assert FAILURES == {}
    assert set(CASES) == operations


# Two routes refuse nearly every generated request before the interesting part: the callbacks without
# a signature, the chat endpoint without a user message (a role drawn from six). The positive cases of
# the fuzzing and examples phases are completed here so that they reach the parser, the pipeline and
# the replies, whose responses the checks then see; the coverage phase's cases and the negative ones
# go out as generated and meet the refusals.
QUESTION = "棚户区改造融资由哪个部门牵头？"
MP_TOKEN, MP_AES_KEY, MP_APPID = (CHAT_SETTINGS[f"QA_WECHAT_{name}"] for name in ("TOKEN", "AES_KEY", "APPID"))
WORK_TOKEN, WORK_AES_KEY, CORP_ID = (CHAT_SETTINGS[f"QA_WECOM_{name}"] for name in ("TOKEN", "AES_KEY", "CORP_ID"))


def steered(case: Case) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode is GenerationMode.POSITIVE and meta.phase.name != "coverage"


def give_the_chat_a_question(case: Case) -> None:
    """The last message of a conversation without a user message becomes the user's, and a user
    message with no text gets a question; an empty conversation gets one question."""
    if (case.method.upper(), case.operation.path) != ("POST", "/v1/chat/completions") or not isinstance(case.body, dict):
        return
    messages = list(case.body.get("messages") or [{"role": "user"}])
    asking = max((i for i, message in enumerate(messages) if message.get("role") == "user"), default=len(messages) - 1)
    question = {**messages[asking], "role": "user"}
    if not text_of(question).strip():
        question["content"] = QUESTION
    messages[asking] = question
    case.body = {**case.body, "messages": messages}


def text_of(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return content if isinstance(content, str) else ""


def sign_wechat_callback(case: Case) -> None:
    """Signed as WeChat signs: a valid signature, a fresh timestamp and nonce, in safe mode an
    encrypted body; a generated message stays the message."""
    if not case.operation.path.startswith("/wechat/"):
        return
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:16]
    query = {**(case.query or {}), "timestamp": timestamp, "nonce": nonce}
    message = case.body if isinstance(case.body, dict) else {}
    route = (case.method.upper(), case.operation.path)
    if route == ("GET", "/wechat/mp"):
        query["signature"] = sign(MP_TOKEN, timestamp, nonce)
    elif route == ("GET", "/wechat/work"):
        echostr = PrpCrypto(WorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).key).encrypt(query.get("echostr", ""), CORP_ID).decode()
        query.update(echostr=echostr, msg_signature=sign(WORK_TOKEN, timestamp, nonce, echostr))
    elif route == ("POST", "/wechat/mp"):
        query["signature"] = sign(MP_TOKEN, timestamp, nonce)
        if query.get("encrypt_type"):  # any generated encrypt_type picks safe mode, none plaintext
            envelope = fields(MpCrypto(MP_TOKEN, MP_AES_KEY, MP_APPID).encrypt_message(message_xml(message), nonce, timestamp))
            query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
            case.body = {"ToUserName": str(message.get("ToUserName", "")), "Encrypt": envelope["Encrypt"]}
    elif route == ("POST", "/wechat/work"):
        envelope = fields(WorkCrypto(WORK_TOKEN, WORK_AES_KEY, CORP_ID).encrypt_message(message_xml(message), nonce, timestamp))
        query["msg_signature"] = envelope["MsgSignature"]
        case.body = {"ToUserName": CORP_ID, "Encrypt": envelope["Encrypt"]}
    else:
        return
    case.query = query


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def message_xml(message: dict) -> str:
    """The generated message as the XML WeChat encrypts in safe mode: its documented fields, in order."""
    return "<xml>" + "".join(f"<{name}>{escape(str(message[name]))}</{name}>" for name in MESSAGE_FIELDS if name in message) + "</xml>"


def fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}
