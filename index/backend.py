"""Where the index lives: embedded in the process (the default) or in Milvus."""
from __future__ import annotations

from enum import Enum


class Backend(str, Enum):
    EMBEDDED = "embedded"  # bm25s and FAISS files under the data folder, fused by index.fusion
    MILVUS = "milvus"  # one Milvus collection, searched per field and fused by index.fusion (see index.milvus)
