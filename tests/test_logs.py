"""bot.logs: one line per record (tracebacks included), secrets removed from every part."""
from __future__ import annotations

import json
import logging

from bot.config import Config, MatrixConfig
from bot.logs import JsonFormatter, Redactor, TextFormatter, secret_envs


def record_with_traceback(msg: str) -> logging.LogRecord:
    try:
        raise RuntimeError(f"boom with {msg}")
    except RuntimeError:
        import sys

        return logging.LogRecord("digest_bot.x", logging.ERROR, __file__, 1, "failed: %s", (msg,), sys.exc_info())


def test_text_and_json_lines_hold_no_secret_even_in_a_traceback(monkeypatch):
    monkeypatch.setenv("MATRIX_ACCESS_TOKEN", "syt_ZGlnZXN0_secretsecret_1a2b3c")
    monkeypatch.setenv("MATRIX_PASSWORD", "correct horse battery")
    config = Config(matrix=MatrixConfig(homeserver="http://x", user_id="@b:x"))
    assert secret_envs(config) == ["MATRIX_ACCESS_TOKEN", "MATRIX_PASSWORD"]
    redact = Redactor(secret_envs(config))
    rec = record_with_traceback("token syt_ZGlnZXN0_secretsecret_1a2b3c, password correct horse battery\nline 2")
    text = TextFormatter(redact).format(rec)
    assert "\n" not in text and "Traceback" in text and "line 2" in text
    doc = json.loads(JsonFormatter(redact).format(rec))
    assert doc["level"] == "ERROR" and doc["logger"] == "digest_bot.x" and "RuntimeError" in doc["exc"]
    for out in (text, json.dumps(doc)):
        assert "secretsecret" not in out and "horse" not in out
        assert "<redacted>" in out


def test_token_shapes_are_removed_without_knowing_the_variable():
    redact = Redactor([])
    assert redact("xoxb-1-2-abc and xapp-1-A0-x and mat_abcdef123 and Bearer eyJhbGciOi.x") == (
        "<redacted> and <redacted> and <redacted> and Bearer <redacted>")
    assert redact("issue 19 delivered to slack:C0123") == "issue 19 delivered to slack:C0123"


def test_warnings_and_a_crash_are_json_lines_too(tmp_path):
    import os
    import subprocess
    import sys

    code = ("from bot import logs; from bot.config import Config; logs.setup(Config());"
            "import warnings; warnings.warn('old api'); raise RuntimeError('two\\nlines')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "DIGEST_BOT_LOG_FORMAT": "json"}, cwd=tmp_path.parent)
    lines = r.stderr.strip().splitlines()
    docs = [json.loads(line) for line in lines]
    assert [d["level"] for d in docs] == ["WARNING", "CRITICAL"]
    assert "old api" in docs[0]["message"] and "RuntimeError: two" in docs[1]["exc"]
