"""WXBizMsgCrypt against Tencent's published sample vector and against wechatpy as the peer."""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from wechatpy.crypto import WeChatCrypto as WechatpyMpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WechatpyWorkCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature as wechatpy_check_signature

from service.wechat_crypto import (
    DecryptError,
    InvalidAppId,
    InvalidSignature,
    StaleTimestamp,
    WeChatCrypto,
    check_signature,
    compute_signature,
)

# Tencent's WXBizMsgCrypt sample (Sample.cs / sample.php, "使用示例二：对用户回复的消息解密").
SAMPLE_TOKEN = "QDG6eK"
SAMPLE_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SAMPLE_RECEIVE_ID = "wx5823bf96d3bd56c7"
SAMPLE_MSG_SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6"
SAMPLE_TIMESTAMP = "1409659813"
SAMPLE_NONCE = "1372623149"
SAMPLE_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUk"
    "SUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekU"
    "NXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rU"
    "PA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+"
    "qN+E7Q=="
)
# The same sample's URL verification request ("使用示例一：验证回调URL").
SAMPLE_VERIFY_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
SAMPLE_VERIFY_TIMESTAMP = "1409659589"
SAMPLE_VERIFY_NONCE = "263014780"
SAMPLE_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="

TOKEN = "policyqa"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx1234567890abcdef"
CORP_ID = "ww1234567890abcdef"
NOW = 1_700_000_000
MESSAGE = (
    "<xml><ToUserName><![CDATA[gh_policyqa]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[棚户区改造融资由哪个部门牵头？]]></Content><MsgId>1234567890123456</MsgId></xml>"
)


def sample_crypto(receive_id: str = SAMPLE_RECEIVE_ID) -> WeChatCrypto:
    return WeChatCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, receive_id, clock=lambda: int(SAMPLE_TIMESTAMP))


def fields(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


def test_the_published_sample_signature_verifies():
    assert compute_signature(SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT) == SAMPLE_MSG_SIGNATURE
    sample_crypto().check_signature(SAMPLE_MSG_SIGNATURE, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT)


def test_the_published_sample_decrypts_to_its_message():
    message = fields(sample_crypto().decrypt(SAMPLE_ENCRYPT))

    assert message == {
        "ToUserName": "wx5823bf96d3bd56c7",
        "FromUserName": "mycreate",
        "CreateTime": "1409659813",
        "MsgType": "text",
        "Content": "hello",
        "MsgId": "4561255354251345929",
        "AgentID": "218",
    }


def test_the_published_url_verification_decrypts_like_wechatpy():
    crypto = sample_crypto()
    crypto.check_signature(SAMPLE_VERIFY_SIGNATURE, SAMPLE_VERIFY_TIMESTAMP, SAMPLE_VERIFY_NONCE, SAMPLE_ECHOSTR)
    peer = WechatpyWorkCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_RECEIVE_ID)
    expected = peer.check_signature(SAMPLE_VERIFY_SIGNATURE, SAMPLE_VERIFY_TIMESTAMP, SAMPLE_VERIFY_NONCE, SAMPLE_ECHOSTR)

    assert crypto.decrypt(SAMPLE_ECHOSTR) == expected
    assert expected.isdigit()


@pytest.mark.parametrize("peer_class, receive_id", [(WechatpyMpCrypto, APPID), (WechatpyWorkCrypto, CORP_ID)])
def test_we_decrypt_what_wechatpy_encrypts(peer_class, receive_id):
    envelope = fields(peer_class(TOKEN, AES_KEY, receive_id).encrypt_message(MESSAGE, "5550001", str(NOW)))
    crypto = WeChatCrypto(TOKEN, AES_KEY, receive_id, clock=lambda: NOW)

    crypto.check_signature(envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    crypto.check_timestamp(envelope["TimeStamp"])
    assert crypto.decrypt(envelope["Encrypt"]) == MESSAGE


@pytest.mark.parametrize("peer_class, receive_id", [(WechatpyMpCrypto, APPID), (WechatpyWorkCrypto, CORP_ID)])
def test_wechatpy_decrypts_what_we_encrypt(peer_class, receive_id):
    reply = WeChatCrypto(TOKEN, AES_KEY, receive_id, clock=lambda: NOW).encrypt(MESSAGE, "5550002")
    envelope = fields(reply)

    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert envelope["TimeStamp"] == str(NOW) and envelope["Nonce"] == "5550002"
    decrypted = peer_class(TOKEN, AES_KEY, receive_id).decrypt_message(
        reply, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    assert decrypted == MESSAGE


@pytest.mark.parametrize("length", [0, 1, 11, 12, 27, 28, 44, 100, 2000])
def test_every_padding_length_round_trips(length):
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    message = "政" * length  # 3 bytes each, so the padded length walks through every residue mod 32

    assert crypto.decrypt(fields(crypto.encrypt(message, "1"))["Encrypt"]) == message


def test_plaintext_mode_signature_agrees_with_wechatpy():
    signature = compute_signature(TOKEN, str(NOW), "5550003")

    wechatpy_check_signature(TOKEN, signature, str(NOW), "5550003")
    check_signature(TOKEN, signature, str(NOW), "5550003")
    with pytest.raises(InvalidSignatureException):
        wechatpy_check_signature(TOKEN, signature, str(NOW), "5550004")


def test_a_wrong_signature_is_refused():
    with pytest.raises(InvalidSignature):
        sample_crypto().check_signature(SAMPLE_MSG_SIGNATURE, SAMPLE_TIMESTAMP, "1372623150", SAMPLE_ENCRYPT)
    for forged in ("", "签名", "0" * 40):
        with pytest.raises(InvalidSignature):
            check_signature(TOKEN, forged, str(NOW), "1")


def test_a_message_for_another_appid_is_refused():
    with pytest.raises(InvalidAppId, match="wx5823bf96d3bd56c7"):
        sample_crypto(receive_id="wx0000000000000000").decrypt(SAMPLE_ENCRYPT)


def test_a_tampered_ciphertext_fails_its_padding_check():
    raw = bytearray(base64.b64decode(SAMPLE_ENCRYPT))
    raw[-17] ^= 0x80  # CBC: flips the high bit of the last plaintext byte, the padding length
    with pytest.raises(DecryptError, match="padding"):
        sample_crypto().decrypt(base64.b64encode(bytes(raw)).decode())


def test_the_wrong_key_is_a_decrypt_error():
    crypto = WeChatCrypto(SAMPLE_TOKEN, AES_KEY, SAMPLE_RECEIVE_ID)
    with pytest.raises(DecryptError):
        crypto.decrypt(SAMPLE_ENCRYPT)


@pytest.mark.parametrize("encrypt", ["not base64!", "", base64.b64encode(b"x" * 20).decode()])
def test_garbage_is_a_decrypt_error(encrypt):
    with pytest.raises(DecryptError):
        sample_crypto().decrypt(encrypt)


def test_timestamps_more_than_300_seconds_away_are_stale():
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID, clock=lambda: NOW)
    crypto.check_timestamp(str(NOW - 300))
    crypto.check_timestamp(str(NOW + 300))
    for timestamp in (str(NOW - 301), str(NOW + 301), "soon", ""):
        with pytest.raises(StaleTimestamp):
            crypto.check_timestamp(timestamp)


@pytest.mark.parametrize("key", ["", "tooshort", AES_KEY + "A", "!" * 43])
def test_an_invalid_encoding_aes_key_is_refused_up_front(key):
    with pytest.raises(ValueError, match="EncodingAESKey"):
        WeChatCrypto(TOKEN, key, APPID)
