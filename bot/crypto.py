"""Encryption at rest for the sensitive fields of reports and cases (Fernet, AES-128-CBC+HMAC).

The key comes from DATA_KEY (a Fernet key) or from a key file. Tests and the sandbox get a key
file made on first use; live mode refuses to start without DATA_KEY (see bot/__main__.py), so a
production database is never written with a throw-away key.

    cipher = cipher_for(services)
    token = cipher.encrypt("mô tả")      # text stored in SQLite
    cipher.decrypt(token) == "mô tả"
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload

from cryptography.fernet import Fernet, InvalidToken

from bot.config import ConfigError, Settings

KEY_HELP = (
    'create one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


class FieldCipher:
    """Encrypts and decrypts short texts; None stays None so optional fields stay optional."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    @overload
    def encrypt(self, text: str) -> str: ...
    @overload
    def encrypt(self, text: None) -> None: ...
    @overload
    def encrypt(self, text: str | None) -> str | None: ...
    def encrypt(self, text: str | None) -> str | None:
        if text is None:
            return None
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    @overload
    def decrypt(self, token: str) -> str: ...
    @overload
    def decrypt(self, token: None) -> None: ...
    @overload
    def decrypt(self, token: str | None) -> str | None: ...
    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            # Wrong DATA_KEY for this database: fail loudly rather than show garbage.
            raise RuntimeError("encrypted field cannot be read: wrong DATA_KEY?") from None


def _parse_key(raw: str, source: str) -> bytes:
    key = raw.strip().encode("ascii", "ignore")
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise ConfigError(f"{source} is not a valid key; {KEY_HELP}") from None
    return key


def default_key_file(settings: Settings) -> Path:
    return settings.data_key_file or Path(settings.database_path).with_name("data.key")


def has_live_key(settings: Settings) -> bool:
    """Live mode needs DATA_KEY (or an existing key file named by DATA_KEY_FILE)."""
    return bool(settings.data_key) or bool(
        settings.data_key_file and Path(settings.data_key_file).is_file()
    )


def load_key(settings: Settings, create_missing: bool = True) -> bytes:
    if settings.data_key:
        return _parse_key(settings.data_key, "DATA_KEY")
    path = default_key_file(settings)
    if path.is_file():
        return _parse_key(path.read_text(encoding="ascii"), f"the key file {path}")
    if not create_missing:
        raise ConfigError(f"DATA_KEY is not set and {path} does not exist; {KEY_HELP}")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # Owner-only from the first byte: the key protects children's data.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.decode("ascii") + "\n")
    return key


def cipher_for(services) -> FieldCipher:
    """The application's cipher, built once from its settings."""
    cipher = services.cipher
    if cipher is None:
        cipher = FieldCipher(load_key(services.settings))
        services.cipher = cipher
    return cipher
