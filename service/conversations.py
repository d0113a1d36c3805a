"""Conversation ids kept apart by channel: no id a client picks can reach another channel's conversations."""
from __future__ import annotations

from enum import Enum


class Channel(str, Enum):
    API = "api"
    WECHAT_MP = "wechat-mp"
    WECOM = "wecom"
    OPENAI = "openai"


def conversation_id(channel: Channel, local_id: str) -> str:
    """The pipeline's id for a conversation the channel calls local_id (a client's id, an openid, …)."""
    return f"{channel.value}:{local_id}"
