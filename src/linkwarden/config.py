"""Settings: defaults, `linkwarden.yaml` or `[tool.linkwarden]` in pyproject.toml.

The file is validated strictly: an unknown key or a value of the wrong type is a ConfigError
naming the file and the key, never a silent default. CLI flags override file values; that
merge happens in cli.py, the only module that reads argv and the environment.

A config file *found* in the working tree is not always the maintainers' (in PR mode the
tree is the contributor's). Loaded with `trust_found=False`, such a file may not set the
keys in `TRUSTED_ONLY` — where the GitHub token is sent, where the arXiv queries go,
whether the checker may reach private addresses: they are left at their defaults and
named in `Settings.ignored`. A file given explicitly (`--config`) is the caller's choice
and always trusted; the command line (`--allow-private`) is too.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

USER_AGENT = (
    "linkwarden/0.1 (+https://github.com/linkwarden-dev/linkwarden; link checker for awesome lists)"
)


@dataclass(frozen=True)
class HostSettings:
    """Per-host overrides of the politeness settings."""

    concurrency: int | None = None
    interval: float | None = None  # minimum seconds between two requests' starts
    timeout: float | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckSettings:
    concurrency: int = 64  # requests in flight overall
    per_host: int = 4  # requests in flight per host
    interval: float = 0.0  # minimum seconds between requests to one host
    timeout: float = 20.0  # seconds per request (connect + read)
    retries: int = 3  # attempts after the first, for transient failures
    deadline: float = 90.0  # seconds per URL, retries and backoff included
    max_retry_after: float = 60.0  # cap on a server's Retry-After we are willing to wait
    max_redirects: int = 10
    max_body: int = 65536  # bytes of a GET body we read at most
    retry_wait: float = 0.5  # base of the exponential backoff between retries (seconds)
    user_agent: str = USER_AGENT
    allow_private: bool = False
    exclude: tuple[str, ...] = ()  # regular expressions over the URL
    canaries: tuple[str, ...] = (
        "https://www.google.com/generate_204",
        "https://github.com/",
        "https://www.cloudflare.com/",
    )
    hosts: dict[str, HostSettings] = field(default_factory=dict)


@dataclass(frozen=True)
class ArxivSettings:
    api_url: str = "https://export.arxiv.org/api/query"
    interval: float = 3.0  # seconds between API requests; arXiv asks for >= 3
    batch_size: int = 100


@dataclass(frozen=True)
class GithubSettings:
    api_url: str = "https://api.github.com"
    batch_size: int = 100  # repositories per GraphQL query
    reserve: int = 5  # anonymous REST requests we never spend


@dataclass(frozen=True)
class CrossrefSettings:
    """DOIs through Crossref, and the doi.org handle API for DOIs Crossref does not hold."""

    enabled: bool = True
    api_url: str = "https://api.crossref.org"
    handles_url: str = "https://doi.org/api/handles"
    mailto: str = ""  # a contact address: Crossref's "polite pool" (User-Agent and mailto=)
    batch_size: int = 50  # DOIs per `filter=doi:...` query (the URL length caps it too)
    interval: float = 0.1  # seconds between requests to one registry host


@dataclass(frozen=True)
class OpenReviewSettings:
    enabled: bool = True
    api_url: str = "https://api2.openreview.net"  # API 2 (venues since 2023, most older ones)
    legacy_api_url: str = "https://api.openreview.net"  # API 1, asked when API 2 has no note
    interval: float = 0.5


@dataclass(frozen=True)
class WaybackSettings:
    """Archived copies of dead links (the Wayback Machine's availability API)."""

    enabled: bool = True
    api_url: str = "https://archive.org/wayback/available"
    interval: float = 1.0  # the archive is a shared, slow resource
    verify: bool = True  # load the snapshot before suggesting it (a stale index lies)


@dataclass(frozen=True)
class HuggingFaceSettings:
    """Code for papers listed without it (Hugging Face paper pages, field `githubRepo`)."""

    enabled: bool = True
    api_url: str = "https://huggingface.co/api/papers"
    reask_days: float = 7.0  # an answer in the snapshot younger than this is not asked again
    interval: float = 0.2


@dataclass(frozen=True)
class Settings:
    check: CheckSettings = field(default_factory=CheckSettings)
    arxiv: ArxivSettings = field(default_factory=ArxivSettings)
    github: GithubSettings = field(default_factory=GithubSettings)
    crossref: CrossrefSettings = field(default_factory=CrossrefSettings)
    openreview: OpenReviewSettings = field(default_factory=OpenReviewSettings)
    wayback: WaybackSettings = field(default_factory=WaybackSettings)
    huggingface: HuggingFaceSettings = field(default_factory=HuggingFaceSettings)
    quarantine_runs: int = 2  # consecutive failing runs before a transient failure is dead
    severity: dict[str, str] = field(default_factory=dict)  # rule code or name -> severity
    source: str = ""  # the file the settings came from, for messages
    ignored: tuple[str, ...] = ()  # TRUSTED_ONLY keys the file set but may not (dotted)


# Keys only a trusted config may set (see the module docstring), as (section, key).
TRUSTED_ONLY = (
    ("github", "api_url"),
    ("arxiv", "api_url"),
    ("check", "allow_private"),
    # Where the registry queries go (docs/enrichment.md): a PR's config cannot move them.
    ("crossref", "api_url"),
    ("crossref", "handles_url"),
    ("openreview", "api_url"),
    ("openreview", "legacy_api_url"),
    ("wayback", "api_url"),
    ("huggingface", "api_url"),
)
_NOT_FROM_FILES = ("source", "ignored")  # Settings fields no file may set


CONFIG_NAMES = ("linkwarden.yaml", "linkwarden.yml", ".linkwarden.yaml")


def _build(cls: type[Any], data: Any, where: str, origin: str) -> Any:
    """Build dataclass `cls` from a mapping, rejecting unknown keys and wrong types."""
    if not isinstance(data, dict):
        raise ConfigError(f"`{where or 'top level'}` must be a mapping", path=origin)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        dotted = f"{where}.{key}" if where else str(key)
        if name not in known or (not where and name in _NOT_FROM_FILES):
            names = ", ".join(sorted(k for k in known if where or k not in _NOT_FROM_FILES))
            raise ConfigError(f"unknown key `{dotted}` (known: {names})", path=origin)
        spec = known[name]
        default: Any = spec.default
        factory: Any = spec.default_factory
        if default is dataclasses.MISSING and factory is not dataclasses.MISSING:
            default = factory()
        values[name] = _coerce(name, default, value, dotted, origin)
    return cls(**values)


def _coerce(name: str, default: Any, value: Any, dotted: str, origin: str) -> Any:
    if dataclasses.is_dataclass(default):
        return _build(type(default), value, dotted, origin)
    if name == "hosts":
        if not isinstance(value, dict):
            raise ConfigError(f"`{dotted}` must map host names to settings", path=origin)
        return {
            str(h).lower(): _build(HostSettings, v or {}, f"{dotted}.{h}", origin)
            for h, v in value.items()
        }
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"`{dotted}` must be true or false, not {value!r}", path=origin)
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"`{dotted}` must be a whole number >= 0, not {value!r}", path=origin)
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"`{dotted}` must be a number >= 0, not {value!r}", path=origin)
        return float(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"`{dotted}` must be a list of strings", path=origin)
        return tuple(value)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"`{dotted}` must be a mapping", path=origin)
        # YAML 1.1 reads a bare `off` (as in `severity: {LW108: off}`) as false.
        return {str(k): "off" if v is False else str(v) for k, v in value.items()}
    if default is None:  # optional numbers (per-host overrides)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"`{dotted}` must be a number >= 0, not {value!r}", path=origin)
        return value
    if isinstance(default, str):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConfigError(f"`{dotted}` must be a string, not {value!r}", path=origin)
        return str(value)
    return value


def _untrusted_removed(data: Any) -> tuple[Any, tuple[str, ...]]:
    """`data` without the TRUSTED_ONLY keys, and which of them it set (dotted)."""
    if not isinstance(data, dict):
        return data, ()
    kept = dict(data)
    ignored: list[str] = []
    for section, key in TRUSTED_ONLY:
        values = kept.get(section)
        if not isinstance(values, dict):
            continue
        names = [k for k in values if str(k).replace("-", "_") == key]
        if names:
            kept[section] = {k: v for k, v in values.items() if k not in names}
            ignored.append(f"{section}.{key}")
    return kept, tuple(ignored)


def parse_settings(data: Any, origin: str, *, trusted: bool = True) -> Settings:
    """Settings from a config file's data; with `trusted=False` the TRUSTED_ONLY keys are
    left at their defaults and listed in `ignored`."""
    if data is None:
        return Settings(source=origin)
    ignored: tuple[str, ...] = ()
    if not trusted:
        data, ignored = _untrusted_removed(data)
    settings: Settings = _build(Settings, data, "", origin)
    for code, sev in settings.severity.items():
        if sev not in ("error", "warning", "info", "off"):
            raise ConfigError(
                f"`severity.{code}` must be error, warning, info or off, not {sev!r}", path=origin
            )
    _check_registries(settings, origin)
    return dataclasses.replace(settings, source=origin, ignored=ignored)


def _check_registries(settings: Settings, origin: str) -> None:
    """API addresses must be http(s) URLs; a Crossref contact must look like an address."""
    for section in ("crossref", "openreview", "wayback", "huggingface"):
        value = getattr(settings, section)
        for name in ("api_url", "handles_url", "legacy_api_url"):
            url = getattr(value, name, None)
            if url is not None and not url.startswith(("https://", "http://")):
                raise ConfigError(
                    f"`{section}.{name}` must be an http(s) URL, not {url!r}", path=origin
                )
    mailto = settings.crossref.mailto
    if mailto and (mailto.count("@") != 1 or " " in mailto or mailto.startswith("@")):
        raise ConfigError(
            f"`crossref.mailto` must be an e-mail address, not {mailto!r}", path=origin
        )


def load_settings(
    explicit: Path | None = None, cwd: Path | None = None, *, trust_found: bool = True
) -> Settings:
    """Load settings from `explicit`, or the first config file found in `cwd`.

    Order: linkwarden.yaml (and variants), then [tool.linkwarden] in pyproject.toml.
    No file means defaults. `trust_found=False`: a found file (not `explicit`) may not set
    the TRUSTED_ONLY keys (PR mode: the tree is the contributor's).
    """
    trusted = explicit is not None or trust_found
    cwd = cwd or Path.cwd()
    candidates = [explicit] if explicit else [cwd / n for n in CONFIG_NAMES]
    for path in candidates:
        if path is None:
            continue
        if not path.exists():
            if explicit:
                raise ConfigError("config file not found", path=str(path))
            continue
        if path.suffix == ".toml":
            return _load_toml(path, required=True, trusted=trusted)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                path=str(path),
                line=mark.line + 1 if mark is not None else None,
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
        return parse_settings(data, str(path), trusted=trusted)
    pyproject = cwd / "pyproject.toml"
    if not explicit and pyproject.exists():
        return _load_toml(pyproject, required=False, trusted=trusted)
    return Settings()


def _load_toml(path: Path, *, required: bool, trusted: bool) -> Settings:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        if not required:
            return Settings()
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    section = doc.get("tool", {}).get("linkwarden")
    if section is None:
        return Settings()
    return parse_settings(section, f"{path} [tool.linkwarden]", trusted=trusted)
