"""Where the SMTP settings come from, and the one place the password is read.

Each setting is taken from the first of: the command-line option, the workbook's Settings sheet,
the config file (``$KPI_XL_CONFIG``, else ``~/.config/kpi_xl/smtp.toml``). The password is never a
setting: it comes only from the environment variable ``KPI_XL_SMTP_PASSWORD`` or, when the
``keyring`` package is installed, the system keyring (service ``kpi_xl:<host>``, user name the SMTP
user). It is held in a :class:`Secret`, which never prints, never pickles and scrubs itself (and the
base64 forms AUTH sends it in) out of any text that is about to be shown.

>>> secret = Secret("hunter2", user="ana")
>>> secret, f"{secret}"
(Secret('***'), "Secret('***')")
>>> secret.redact("535 bad credentials for hunter2 (AGFuYQBodW50ZXIy)")
'535 bad credentials for *** (***)'
>>> Secret("two  words\there").redact("535 two words here not accepted")  # spaces changed on the way
'535 *** not accepted'
>>> resolve_smtp({"smtp_host": "mail.example.com"}, Settings(from_address="reports@example.com"),
...              environ={"KPI_XL_CONFIG": ""}).port
587
"""

from __future__ import annotations

import base64
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path
from typing import TypeVar

from kpi_xl.core.errors import KpiError
from kpi_xl.core.model import Settings
from kpi_xl.delivery.addresses import check_one_line, parse_address

__all__ = [
    "DRAFT_SENDER",
    "PASSWORD_VARIABLE",
    "SECURITY_MODES",
    "DeliveryError",
    "Secret",
    "SmtpConfig",
    "SmtpSettingsError",
    "config_path",
    "find_password",
    "missing_password",
    "resolve_smtp",
    "sending_settings",
]

PASSWORD_VARIABLE = "KPI_XL_SMTP_PASSWORD"
#: The From address of dry-run drafts when no sender is set (``.invalid``: a domain that never exists, RFC 2606).
DRAFT_SENDER = "sender-not-set@example.invalid"
SECURITY_MODES = ("starttls", "ssl", "none")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# Config file key -> SmtpConfig field. "from" reads better in a file; both spellings are accepted.
_FILE_KEYS = {"host": "smtp_host", "port": "smtp_port", "security": "smtp_security", "user": "smtp_user",
              "from": "from_address", "from_address": "from_address", "cafile": "smtp_cafile",
              "timeout": "smtp_timeout"}
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_T = TypeVar("_T")
_MAX_TIMEOUT = 3600.0  # seconds per SMTP command; more is a typo (and a socket cannot wait "forever")


class DeliveryError(KpiError):
    """A delivery cannot start or go on: missing or wrong settings, an SMTP server that refuses us."""


class SmtpSettingsError(DeliveryError):
    """Every SMTP setting that is missing or wrong, found in one go (``errors``, one line each), so a
    run names them all at once rather than one per attempt.

    >>> print(SmtpSettingsError(["no SMTP server: give --smtp-host", "no sender address: give --from"]))
    2 SMTP settings to fix:
    no SMTP server: give --smtp-host
    no sender address: give --from
    >>> str(SmtpSettingsError(["no SMTP server: give --smtp-host"]))
    'no SMTP server: give --smtp-host'
    """

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        heading = [f"{len(self.errors)} SMTP settings to fix:"] if len(self.errors) > 1 else []
        super().__init__("\n".join(heading + self.errors))


class Secret:
    """A password that does not show itself: ``repr``, ``str`` and pickling all refuse to reveal it."""

    __slots__ = ("_pattern", "_value")

    def __init__(self, value: str, *, user: str | None = None) -> None:
        self._value = value
        # What AUTH LOGIN and AUTH PLAIN put on the wire: a server may echo them back in an error.
        forms = {value, _b64(value)}
        if user is not None:
            forms |= {_b64(f"\0{user}\0{value}"), _b64(f"{user}\0{user}\0{value}")}
        # Longest first, so the base64 of "user, password" goes whole rather than in part.
        loose = [_loose(form) for form in sorted((form for form in forms if form), key=len, reverse=True)]
        self._pattern = re.compile("|".join(loose)) if loose else None

    def reveal(self) -> str:
        return self._value

    def redact(self, text: str) -> str:
        """``text`` without the password, even where its spaces were changed (a server or a log line
        joining, folding or collapsing them)."""
        return self._pattern.sub("***", text) if self._pattern else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is never pickled: it stays in the process that read it")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _loose(form: str) -> str:
    """A pattern for ``form`` in which each run of white space matches any run of white space."""
    words = form.split()
    return r"\s+".join(map(re.escape, words)) if words else re.escape(form)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Everything needed to reach the server and to sign the messages."""

    host: str | None
    port: int
    security: str
    user: str | None
    sender: Address             # From: the agency name and its address
    cafile: str | None = None   # a private CA or a self-signed server certificate
    timeout: float = 60.0       # per command
    # RFC 5321 4.5.3.2.6: a client waits 10 minutes for the reply to the end of DATA.
    data_timeout: float = 600.0

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"

    def check_sendable(self) -> None:
        """Refuses settings that cannot or must not send: no host, a login over plain text."""
        problems = self.unsendable()
        if problems:
            raise SmtpSettingsError(problems)

    def unsendable(self, config_file: Path | None = None) -> list[str]:
        """Why these settings cannot or must not send (nothing when they can). ``config_file`` is the
        config file the advice names (default: the usual place)."""
        if not self.host:
            return ["no SMTP server: give --smtp-host, smtp_host in the workbook's Settings "
                    f"or host in {config_file or config_path({})}"]
        if self.user and self.security == "none" and self.host not in _LOOPBACK:
            return [f"refusing to send the password for {self.user} unencrypted to {self.host}: "
                    "use --smtp-security starttls or ssl"]
        return []


def config_path(environ: Mapping[str, str]) -> Path:
    """``$KPI_XL_CONFIG`` if set, else ``$XDG_CONFIG_HOME/kpi_xl/smtp.toml`` (``~/.config`` by default)."""
    if environ.get("KPI_XL_CONFIG"):
        return Path(environ["KPI_XL_CONFIG"]).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base).expanduser() / "kpi_xl" / "smtp.toml"


def _read_config_file(environ: Mapping[str, str]) -> dict[str, object]:
    if "KPI_XL_CONFIG" in environ and not environ["KPI_XL_CONFIG"]:
        return {}  # set but empty: no config file on purpose
    path = config_path(environ)
    if not path.is_file():
        if environ.get("KPI_XL_CONFIG"):
            raise DeliveryError(f"KPI_XL_CONFIG names {path}, which does not exist")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DeliveryError(f"{path}: cannot read it: {error}") from None
    data = data.get("smtp", data)  # a [smtp] table or top-level keys
    if "password" in data:
        raise DeliveryError(f"{path}: remove the password: kpi-xl reads it only from {PASSWORD_VARIABLE} "
                            "or the system keyring")
    unknown = sorted(set(data) - set(_FILE_KEYS))
    if unknown:
        raise DeliveryError(f"{path}: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(_FILE_KEYS))})")
    return {_FILE_KEYS[key]: value for key, value in data.items()} | {"_path": str(path)}


def resolve_smtp(options: Mapping[str, object], settings: Settings, *,
                 environ: Mapping[str, str], sending: bool = False, drafts: bool = False) -> SmtpConfig:
    """Merges options > workbook settings > config file and checks each value, naming where it came from.

    ``options`` holds the command line's values by field name (``smtp_host``, ``smtp_port``,
    ``smtp_security``, ``smtp_user``, ``from_address``, ``smtp_cafile``); None means not given. Every
    missing or wrong setting is reported at once (:class:`SmtpSettingsError`); with ``sending`` that
    includes what :meth:`SmtpConfig.check_sendable` refuses (no server). With ``drafts`` (a dry run,
    which sends nothing) no sender is needed: the drafts come from the agency at :data:`DRAFT_SENDER`.
    """
    config, problems = _resolve(options, settings, environ, sending=sending, drafts=drafts)
    if problems:
        raise SmtpSettingsError(problems)
    return config


def sending_settings(options: Mapping[str, object], settings: Settings, *,
                     environ: Mapping[str, str]) -> tuple[SmtpConfig, Secret | None]:
    """The settings of a real send and its password (:func:`find_password`), every missing or wrong
    one reported at once: no server, no sender, a login without a password...
    """
    config, problems = _resolve(options, settings, environ, sending=True, drafts=False)
    password = find_password(config, environ)
    if config.user and password is None:
        problems.append(missing_password(config))
    if problems:
        raise SmtpSettingsError(problems)
    return config, password


def missing_password(config: SmtpConfig) -> str:
    """What to do when the SMTP user has no password in the environment or the keyring."""
    return (f"no password for {config.user}: set {PASSWORD_VARIABLE} or store it with "
            f"`keyring set kpi_xl:{config.host or 'SMTP-HOST'} {config.user}`")


def _resolve(options: Mapping[str, object], settings: Settings, environ: Mapping[str, str], *, sending: bool,
             drafts: bool) -> tuple[SmtpConfig, list[str]]:
    """The settings (placeholders where one is wrong) and every problem found with them."""
    file = _read_config_file(environ)   # a config file that cannot be read: that alone, first
    file_label = str(file.get("_path", "config file"))
    config_file = config_path(environ)   # where the advice says a missing setting goes
    problems: list[str] = []

    def pick(name: str) -> tuple[object, str]:
        if options.get(name) is not None:
            return options[name], "--" + name.replace("_", "-").replace("from-address", "from")
        if getattr(settings, name, None) is not None:
            return getattr(settings, name), f"the workbook's Settings ({name})"
        if file.get(name) is not None:
            return file[name], file_label
        return None, ""

    def checked(check: Callable[..., _T], *args: object, default: _T) -> _T:
        try:
            return check(*args)
        except DeliveryError as error:
            problems.append(str(error))
            return default

    security = checked(_security, *pick("smtp_security"), default="starttls")
    port = checked(_port, *pick("smtp_port"), security, default=_DEFAULT_PORTS[security])
    timeout = checked(_seconds, *pick("smtp_timeout"), default=60.0)
    host, _ = pick("smtp_host")
    user, _ = pick("smtp_user")
    cafile, _ = pick("smtp_cafile")
    sender_value, where = pick("from_address")
    if not sender_value and drafts:
        sender_value, where = DRAFT_SENDER, "the drafts' placeholder sender"
    sender = checked(_sender, sender_value, where, settings.agency_name, config_file,
                     default=Address(addr_spec=DRAFT_SENDER))
    config = SmtpConfig(
        host=_text(host),
        port=port,
        security=security,
        user=_text(user),
        sender=sender,
        cafile=str(cafile) if cafile else None,
        timeout=timeout,
        data_timeout=max(timeout, 600.0),
    )
    if sending:
        problems += config.unsendable(config_file)
    return config, problems


def _security(value: object, where: str) -> str:
    security = str(value or "starttls").strip().lower()
    if security not in SECURITY_MODES:
        raise DeliveryError(f"{where}: SMTP security must be one of {', '.join(SECURITY_MODES)}, got {security!r}")
    return security


def _port(value: object, where: str, security: str) -> int:
    if value is None:
        return _DEFAULT_PORTS[security]
    try:
        port = int(value)  # type: ignore[call-overload]
        if not 0 < port < 65536:
            raise ValueError
    except (TypeError, ValueError):
        raise DeliveryError(f"{where}: SMTP port must be a number from 1 to 65535, got {value!r}") from None
    return port


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _seconds(value: object, where: str) -> float:
    """The SMTP timeout: 60 s unless set; a setting must be a number of seconds above 0 (a socket
    timeout of 0 would never wait, a negative one is refused by the socket)."""
    if value is None:
        return 60.0
    try:
        if isinstance(value, bool):  # TOML `timeout = true` is not one second
            raise TypeError
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 < seconds <= _MAX_TIMEOUT:
        raise DeliveryError(f"{where}: timeout must be a number of seconds above 0 and at most "
                            f"{_MAX_TIMEOUT:g}, got {value!r}")
    return seconds


def _sender(value: object, where: str, agency_name: str, config_file: Path) -> Address:
    if not value:   # named as the missing server is: the config file by its path
        raise DeliveryError("no sender address: give --from, from_address in the workbook's Settings "
                            f"or from in {config_file}")
    try:
        address = parse_address(str(value))
    except ValueError as error:
        raise DeliveryError(f"{where}: sender {error}") from None
    # The agency's name shows as the sender unless the address carries its own display name. In the
    # From header a line break would start headers of its own (Bcc: ...).
    try:
        check_one_line(agency_name)
    except ValueError as error:
        raise DeliveryError(f"the workbook's Settings (agency_name): the agency name {error}") from None
    try:
        return Address(display_name=address.display_name or agency_name, addr_spec=address.addr_spec)
    except ValueError as error:  # anything else the e-mail package refuses in a From header
        raise DeliveryError(f"{where}: sender {error}") from None


def find_password(config: SmtpConfig, environ: Mapping[str, str]) -> Secret | None:
    """The SMTP password from ``KPI_XL_SMTP_PASSWORD``, else the keyring, else None (no login)."""
    if not config.user:
        return None
    if environ.get(PASSWORD_VARIABLE):
        return Secret(environ[PASSWORD_VARIABLE], user=config.user)
    try:
        import keyring  # optional: used when installed, never required
    except ImportError:
        return None
    try:
        value = keyring.get_password(f"kpi_xl:{config.host}", config.user)
    except Exception:  # no usable keyring backend (a headless server): as if it were not installed
        return None
    return Secret(value, user=config.user) if value else None
