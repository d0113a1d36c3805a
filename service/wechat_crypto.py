"""WXBizMsgCrypt: the signature and AES scheme shared by the WeChat Official Account and WeCom callbacks."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAX_CLOCK_SKEW_SECONDS = 300
PAD_BLOCK = 32  # WeChat pads to 32 bytes, not to the AES block size of 16


class WeChatCryptoError(Exception):
    """A callback that must be refused."""


class InvalidSignature(WeChatCryptoError):
    pass


class InvalidAppId(WeChatCryptoError):
    """The decrypted message was addressed to another AppID / CorpID."""


class StaleTimestamp(WeChatCryptoError):
    pass


class DecryptError(WeChatCryptoError):
    pass


def compute_signature(token: str, timestamp: str, nonce: str, encrypt: str = "") -> str:
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, encrypt))).encode()).hexdigest()


def check_signature(token: str, signature: str, timestamp: str, nonce: str, encrypt: str = "") -> None:
    expected = compute_signature(token, timestamp, nonce, encrypt)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):  # bytes: a str must be ASCII
        raise InvalidSignature("signature does not match")


def check_timestamp(timestamp: str, now: float) -> None:
    """Refuse replays: a captured callback stays validly signed forever, so only a fresh one is accepted."""
    try:
        skew = abs(now - int(timestamp))
    except ValueError:
        raise StaleTimestamp(f"timestamp {timestamp!r} is not a number") from None
    if skew > MAX_CLOCK_SKEW_SECONDS:
        raise StaleTimestamp(f"timestamp is {skew:.0f} s away from server time (limit {MAX_CLOCK_SKEW_SECONDS} s)")


class WeChatCrypto:
    def __init__(
        self, token: str, encoding_aes_key: str, receive_id: str, clock: Callable[[], float] = time.time
    ) -> None:
        try:
            self._key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("EncodingAESKey must be 43 base64 characters") from None
        if len(self._key) != 32:
            raise ValueError("EncodingAESKey must be 43 base64 characters")
        self.token = token
        self.receive_id = receive_id
        self.clock = clock

    def check_signature(self, signature: str, timestamp: str, nonce: str, encrypt: str = "") -> None:
        check_signature(self.token, signature, timestamp, nonce, encrypt)

    def check_timestamp(self, timestamp: str) -> None:
        check_timestamp(timestamp, self.clock())

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def decrypt(self, encrypt_b64: str) -> str:
        try:
            ciphertext = base64.b64decode(encrypt_b64, validate=True)
        except binascii.Error:
            raise DecryptError("Encrypt is not base64") from None
        if not ciphertext or len(ciphertext) % 16:
            raise DecryptError("ciphertext is not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        pad = padded[-1]
        if not 1 <= pad <= PAD_BLOCK or padded[-pad:] != bytes([pad]) * pad:
            raise DecryptError("bad padding: wrong EncodingAESKey or corrupted message")
        content = padded[16:-pad]  # 16 random bytes lead the plaintext
        if len(content) < 4:
            raise DecryptError("message too short")
        (length,) = struct.unpack(">I", content[:4])
        if 4 + length > len(content):
            raise DecryptError("length field runs past the message")
        try:
            message = content[4 : 4 + length].decode()
            receive_id = content[4 + length :].decode()
        except UnicodeDecodeError:
            raise DecryptError("message is not UTF-8") from None
        if receive_id != self.receive_id:
            raise InvalidAppId(f"message is for {receive_id!r}, not {self.receive_id!r}")
        return message

    def encrypt(self, msg: str, nonce: str, timestamp: str | None = None) -> str:
        """The reply XML WeChat expects in safe mode."""
        timestamp = timestamp or str(int(self.clock()))
        body = msg.encode()
        plaintext = os.urandom(16) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        pad = PAD_BLOCK - len(plaintext) % PAD_BLOCK
        encryptor = self._cipher().encryptor()
        ciphertext = encryptor.update(plaintext + bytes([pad]) * pad) + encryptor.finalize()
        encrypt = base64.b64encode(ciphertext).decode()
        signature = compute_signature(self.token, timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )
