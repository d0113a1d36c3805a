"""Session fixtures: the index built once with the default encoders, and the real service on uvicorn."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from qa.redis_store import RedisStateStore
from qa.state_store import InMemoryStateStore, StateStore
from service.child_process import RunningService, load_failed, qa_serve, service_process
from tests.live_server import REPO_ROOT, start_server
from tests.redis_server import REDIS_SERVER, running_redis

SERVICE_APP = "service.app:create_app_from_env"
# A test using any of these builds the session's index or a service on it: it belongs to the integration tier.
INTEGRATION_FIXTURES = frozenset({"qa_env", "live_url", "observed_service", "pipeline"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
READY_TIMEOUT_SECONDS = 600

# The chat callbacks are configured, as in production, so that the real app mounts them ready to use.
CHAT_SETTINGS = {
    "QA_WECHAT_TOKEN": "test-token",
    "QA_WECHAT_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "QA_WECHAT_APPID": "wx5823bf96d3bd56c7",
    "QA_WECOM_TOKEN": "test-token",
    "QA_WECOM_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "QA_WECOM_CORP_ID": "wx5823bf96d3bd56c7",
}


@pytest.fixture(scope="session")
def qa_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a `qa` process whose index is built: QA_DATA_DIR points at a fresh index.

    Built by the CLI in its own process so that the encoders' weights do not stay in the test process.
    """
    data_dir = tmp_path_factory.mktemp("qa-data")
    env = {**CHAT_SETTINGS, "QA_DATA_DIR": str(data_dir)}
    build = subprocess.run(
        [sys.executable, "-m", "qa.cli", "build"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"`qa build` failed with {build.returncode}:\n{build.stderr[-4000:]}")
    return env


@pytest.fixture(scope="session")
def live_url(qa_env: dict[str, str]) -> Iterator[str]:
    """The base URL of the real service (uvicorn --factory) on a free 127.0.0.1 port, once /readyz says ready."""
    with start_server(SERVICE_APP, qa_env) as url:
        wait_until_ready(url)
        yield url


ADMIN_TOKEN = "test-admin-token"
CORS_ORIGIN = "https://staff.example.org"


@pytest.fixture(scope="session")
def observed_service(qa_env: dict[str, str]) -> Iterator[RunningService]:
    """A second real service on the session's index whose process and INFO log tests can read, with
    the admin routes (QA_ADMIN_TOKEN) and CORS for one origin switched on; started by `qa serve`, as
    an operator starts it."""
    env = {**os.environ, **qa_env, "QA_ADMIN_TOKEN": ADMIN_TOKEN, "QA_CORS_ORIGINS": f"{CORS_ORIGIN}, https://other.example.org"}
    with service_process(env, qa_serve("info"), "/healthz", cwd=REPO_ROOT) as service:
        wait_until_ready(service.url)
        yield service


def wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        response = httpx.get(f"{url}/readyz", timeout=5)
        if response.status_code == 200:
            return
        if load_failed(response.text):
            pytest.fail(f"the service could not load its index: {response.text}")
        if time.monotonic() > deadline:
            pytest.fail(f"the service was not ready within {READY_TIMEOUT_SECONDS} s: {response.text}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """Debian's redis-server on a free 127.0.0.1 port for the session; tests share it under keys of their own."""
    if not REDIS_SERVER.exists():
        pytest.skip(f"{REDIS_SERVER} is not installed (apt-get install redis-server; ./scripts/test installs it)")
    with running_redis() as url:
        yield url


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def state_store(request: pytest.FixtureRequest) -> Iterator[StateStore]:
    """Each test twice: on the embedded store, and on Redis under a key prefix of its own."""
    if request.param == "memory":
        yield InMemoryStateStore()
        return
    store = RedisStateStore.connect(request.getfixturevalue("redis_url"), prefix=f"test-{uuid.uuid4().hex}:")
    yield store
    store.close()


@pytest.fixture(scope="session")
def pipeline(qa_env: dict[str, str]):
    """The real pipeline in this process, on the session's built index."""
    from qa.pipeline import QAPipeline
    from qa.settings import Settings

    return QAPipeline.from_settings(Settings(data_dir=qa_env["QA_DATA_DIR"]), build_missing=False)
