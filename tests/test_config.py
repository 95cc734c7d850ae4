import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_environment():
    settings = Settings.from_env({}, env_file=None)
    assert settings.bot_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.admin_ids == frozenset()
    assert settings.timezone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert settings.default_language == "vi"
    assert settings.log_level == "INFO"


def test_values_are_parsed():
    settings = Settings.from_env(
        {
            "BOT_TOKEN": "1:abc",
            "ADMIN_IDS": "12, 34",
            "TELEGRAM_API_URL": "http://127.0.0.1:9/",
            "DEFAULT_LANGUAGE": "en",
            "LOG_LEVEL": "debug",
            "DATABASE_PATH": "/tmp/x.db",
        },
        env_file=None,
    )
    assert settings.admin_ids == frozenset({12, 34})
    assert settings.telegram_api_url == "http://127.0.0.1:9"
    assert settings.default_language == "en"
    assert settings.log_level == "DEBUG"
    assert settings.database_path == Path("/tmp/x.db")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "abc"),
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LANGUAGE", "fr"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_URL", "ftp://x"),
        ("BROADCAST_RATE", "fast"),
        ("WEBAPP_URL", "http://bot.example.org/app/"),  # Telegram opens HTTPS only
        ("WEBAPP_LISTEN", "8080"),
        ("WEBAPP_LISTEN", "127.0.0.1:99999"),
        ("WEBAPP_AUTH_MAX_AGE", "0"),
    ],
)
def test_malformed_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value}, env_file=None)


def test_env_file_is_read_and_environment_wins(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# comment\nBOT_TOKEN='from-file'\nADMIN_IDS=5\n", encoding="utf-8")
    settings = Settings.from_env({"ADMIN_IDS": "7"}, env_file=env)
    assert settings.bot_token == "from-file"
    assert settings.admin_ids == frozenset({7})


def _run_bot(*args, env_extra=None, cwd):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def project_cwd(tmp_path):
    # An empty folder: no .env to read; the project comes from PYTHONPATH.
    return tmp_path


def test_without_token_exits_2_naming_bot_token_and_sandbox(project_cwd):
    result = _run_bot(cwd=project_cwd, env_extra={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "BOT_TOKEN" in lines[0] and "make sandbox" in lines[0]


def test_malformed_setting_is_one_line_not_a_traceback(project_cwd):
    result = _run_bot(cwd=project_cwd, env_extra={"PYTHONPATH": str(ROOT), "ADMIN_IDS": "abc"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "ADMIN_IDS" in result.stderr


def test_help_lists_subcommands(project_cwd):
    result = _run_bot("--help", cwd=project_cwd, env_extra={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0
    for command in ("run", "sandbox", "emulator"):
        assert command in result.stdout


def test_dashboard_settings():
    assert Settings.from_env({}, env_file=None).webapp_url is None  # off unless asked for
    settings = Settings.from_env(
        {
            "WEBAPP_URL": "https://bot.example.org/app",
            "WEBAPP_LISTEN": "[::1]:8090",
            "WEBAPP_AUTH_MAX_AGE": "3600",
        },
        env_file=None,
    )
    assert settings.webapp_url == "https://bot.example.org/app/"
    assert settings.webapp_listen == ("::1", 8090) and settings.webapp_auth_max_age == 3600
    local = Settings.from_env({"WEBAPP_URL": "http://127.0.0.1:8090/app/"}, env_file=None)
    assert local.webapp_url == "http://127.0.0.1:8090/app/"
