"""SMTP settings: options, then the workbook, then the config file; the password only from env or keyring."""

from __future__ import annotations

import pickle
import sys
import types

import pytest

from kpi_xl.core.model import Settings
from kpi_xl.delivery.config import (
    DeliveryError,
    Secret,
    SmtpSettingsError,
    find_password,
    resolve_smtp,
    sending_settings,
)

NO_FILE = {"KPI_XL_CONFIG": ""}


def _write(tmp_path, text: str) -> dict[str, str]:
    path = tmp_path / "smtp.toml"
    path.write_text(text, encoding="utf-8")
    return {"KPI_XL_CONFIG": str(path)}


def test_options_beat_the_workbook_which_beats_the_file(tmp_path):
    environ = _write(tmp_path, 'host = "file.example"\nport = 2525\nuser = "file-user"\nfrom = "file@agency.example"\n'
                               'security = "ssl"\n')
    settings = Settings(smtp_host="workbook.example", smtp_port=587, agency_name="Agência Ótima")
    config = resolve_smtp({"smtp_host": "option.example"}, settings, environ=environ)
    assert (config.host, config.port, config.security, config.user) == ("option.example", 587, "ssl", "file-user")
    assert str(config.sender) == "Agência Ótima <file@agency.example>"


def test_the_home_config_file_is_found(tmp_path):
    (tmp_path / ".config" / "kpi_xl").mkdir(parents=True)
    (tmp_path / ".config" / "kpi_xl" / "smtp.toml").write_text('[smtp]\nhost = "home.example"\n', encoding="utf-8")
    config = resolve_smtp({"from_address": "r@agency.example"}, Settings(), environ={"HOME": str(tmp_path)})
    assert config.host == "home.example"


@pytest.mark.parametrize(
    ("security", "port"),
    [("starttls", 587), ("ssl", 465), ("none", 25), ("STARTTLS", 587)],
)
def test_port_defaults_to_the_securitys(security, port):
    config = resolve_smtp({"smtp_security": security, "from_address": "r@agency.example"}, Settings(),
                          environ=NO_FILE)
    assert config.port == port


@pytest.mark.parametrize(
    ("file", "options", "message"),
    [
        ('password = "hunter2"\n', {}, "remove the password"),
        ('hots = "typo.example"\n', {}, "unknown setting hots"),
        ('port = "five"\n', {}, "SMTP port must be a number"),
        ('security = "tls"\n', {}, "security must be one of starttls, ssl, none"),
        ("host = \n", {}, "cannot read it"),
        ("", {"from_address": None}, "no sender address"),
        ("", {"from_address": "reports@@agency"}, "--from: sender not an e-mail address"),
        ("", {"from_address": "Agency\r\nBcc: x@y.example <r@agency.example>"},
         "--from: sender contains a line break or control character"),
        ("timeout = -5\n", {}, "smtp.toml: timeout must be a number of seconds above 0 and at most 3600, got -5$"),
        ("timeout = 0\n", {}, "timeout must be a number of seconds above 0 and at most 3600, got 0$"),
        ('timeout = "soon"\n', {}, "timeout must be a number of seconds above 0 and at most 3600, got 'soon'$"),
        ("timeout = true\n", {}, "timeout must be a number of seconds above 0 and at most 3600, got True$"),
        ("timeout = nan\n", {}, "timeout must be a number of seconds above 0 and at most 3600, got nan$"),
    ],
)
def test_bad_settings_are_named(tmp_path, file, options, message):
    environ = _write(tmp_path, file)
    with pytest.raises(DeliveryError, match=message):
        resolve_smtp({"from_address": "r@agency.example"} | options, Settings(), environ=environ)


def test_an_agency_name_that_would_add_headers_is_refused():
    # The agency name is the sender's display name: a line break in the From header starts a header of its own.
    settings = Settings(agency_name="Agencia\r\nBcc: everyone@example.com", from_address="r@agency.example")
    with pytest.raises(DeliveryError) as raised:
        resolve_smtp({}, settings, environ=NO_FILE)
    assert str(raised.value) == ("the workbook's Settings (agency_name): the agency name contains a line break "
                                 "or control character: 'Agencia\\r\\nBcc: everyone@example.com'")


@pytest.mark.parametrize(("file", "timeout"), [("", 60.0), ("timeout = 2.5\n", 2.5), ("timeout = 900\n", 900.0)])
def test_the_timeout_comes_from_the_file(tmp_path, file, timeout):
    config = resolve_smtp({"from_address": "r@agency.example"}, Settings(), environ=_write(tmp_path, file))
    # The answer to the end of DATA gets RFC 5321's 10 minutes, or more if every command gets more.
    assert (config.timeout, config.data_timeout) == (timeout, max(timeout, 600.0))


def test_a_missing_config_file_named_by_the_environment_is_an_error(tmp_path):
    with pytest.raises(DeliveryError, match="does not exist"):
        resolve_smtp({}, Settings(from_address="r@agency.example"), environ={"KPI_XL_CONFIG": str(tmp_path / "x")})


@pytest.mark.parametrize(
    ("host", "security", "user", "message"),
    [
        (None, "starttls", None, "no SMTP server"),
        ("mail.example", "none", "ana", "refusing to send the password"),
    ],
)
def test_settings_that_must_not_send(host, security, user, message):
    config = resolve_smtp({"smtp_host": host, "smtp_security": security, "smtp_user": user,
                           "from_address": "r@agency.example"}, Settings(), environ=NO_FILE)
    with pytest.raises(DeliveryError, match=message):
        config.check_sendable()


def test_plain_login_to_a_local_relay_is_allowed():
    config = resolve_smtp({"smtp_host": "localhost", "smtp_security": "none", "smtp_user": "ana",
                           "from_address": "r@agency.example"}, Settings(), environ=NO_FILE)
    config.check_sendable()


def _config(user: str | None = "ana"):
    return resolve_smtp({"smtp_host": "mail.example", "smtp_user": user, "from_address": "r@agency.example"},
                        Settings(), environ=NO_FILE)


def test_password_comes_from_the_environment():
    assert find_password(_config(), {"KPI_XL_SMTP_PASSWORD": "hunter2"}).reveal() == "hunter2"
    assert find_password(_config(user=None), {"KPI_XL_SMTP_PASSWORD": "hunter2"}) is None  # no login at all


def test_without_the_variable_the_keyring_is_asked(monkeypatch):
    asked = []

    def get_password(service, user):
        asked.append((service, user))
        return "from-keyring"

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    assert find_password(_config(), {}).reveal() == "from-keyring"
    assert asked == [("kpi_xl:mail.example", "ana")]


def test_without_the_variable_or_the_keyring_package_there_is_no_password(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if not installed: skipped silently
    assert find_password(_config(), {}) is None


def test_a_secret_never_shows_itself():
    secret = Secret("hunter2", user="ana")
    assert "hunter2" not in repr(secret) and "hunter2" not in f"{secret} {[secret]}"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    # What AUTH PLAIN and AUTH LOGIN put on the wire, echoed back by a server, is scrubbed too.
    assert secret.redact("535 AGFuYQBodW50ZXIy aHVudGVyMg== hunter2") == "535 *** *** ***"


@pytest.mark.parametrize(
    "shown",
    ["535 ana/two  words\there", "535 ana/two words here", "535 ana/two\r\n words\n\there", "535 ana/two words\there"],
)
def test_a_password_with_spaces_is_scrubbed_however_they_changed(shown):
    assert Secret("two  words\there", user="ana").redact(shown) == "535 ana/***"


def test_every_wrong_or_missing_setting_is_named_at_once(tmp_path):
    environ = _write(tmp_path, 'port = "five"\nsecurity = "tls"\ntimeout = -5\n')
    with pytest.raises(SmtpSettingsError) as raised:
        resolve_smtp({}, Settings(), environ=environ, sending=True)
    where = environ["KPI_XL_CONFIG"]
    assert raised.value.errors == [
        f"{where}: SMTP security must be one of starttls, ssl, none, got 'tls'",
        f"{where}: SMTP port must be a number from 1 to 65535, got 'five'",
        f"{where}: timeout must be a number of seconds above 0 and at most 3600, got -5",
        # Both missing settings name the config file by its path: the one KPI_XL_CONFIG names.
        f"no sender address: give --from, from_address in the workbook's Settings or from in {where}",
        f"no SMTP server: give --smtp-host, smtp_host in the workbook's Settings or host in {where}",
    ]
    assert str(raised.value).startswith("5 SMTP settings to fix:\n")


def test_drafts_need_no_sender_and_come_from_the_agency():
    config = resolve_smtp({}, Settings(agency_name="Agência Ótima"), environ=NO_FILE, drafts=True)
    assert str(config.sender) == "Agência Ótima <sender-not-set@example.invalid>"
    # A sender that is set is the drafts' sender, as it will be the e-mails'.
    config = resolve_smtp({"from_address": "r@agency.example"}, Settings(agency_name="Agência Ótima"),
                          environ=NO_FILE, drafts=True)
    assert str(config.sender) == "Agência Ótima <r@agency.example>"


def test_a_real_send_needs_the_password_of_its_user(monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)
    options = {"smtp_host": "mail.example", "smtp_user": "ana", "from_address": "r@agency.example"}
    with pytest.raises(SmtpSettingsError, match=r"^no password for ana: set KPI_XL_SMTP_PASSWORD or store it with "
                                                r"`keyring set kpi_xl:mail.example ana`$"):
        sending_settings(options, Settings(), environ=NO_FILE)
    config, password = sending_settings(options, Settings(), environ=NO_FILE | {"KPI_XL_SMTP_PASSWORD": "hunter2"})
    assert (config.host, password.reveal()) == ("mail.example", "hunter2")
