"""The simulated web: a real HTTP(S) server on 127.0.0.1 playing many hosts by name.

See docs/testing.md. Typical use::

    with SimWeb() as sim:
        sim.set("example.org", "/gone", Gone())
        main(["check", str(list_md), *sim.cli_args()])
        assert sim.max_in_flight("example.org") <= 4
"""

from .behaviours import (
    Behaviour,
    CloudflareChallenge,
    Flaky,
    Gone,
    Hang,
    HeadRefused,
    HomePage,
    HugePdf,
    LoginRedirect,
    NotFound,
    OEmbed,
    Page,
    Parked,
    RateLimited,
    Raw,
    Redirect,
    Reset,
    Responder,
    SimRequest,
    Slow,
    SoftNotFound,
    Status,
    Status999,
    ToHome,
    YouTubeThumbnail,
    html_page,
    retry_after_value,
    youtube_video_id,
)
from .server import LOOPBACK, SIGN_IN_HOST, WILDCARDS, LoggedRequest, SimWeb
from .sources import (
    FAULTS,
    PathPage,
    plausible_title,
    source_hosts,
    source_urls,
    synthetic_corpus,
    world_from_sources,
    write_markdown,
)
from .world import HostSpec, World

__all__ = [
    "FAULTS",
    "LOOPBACK",
    "SIGN_IN_HOST",
    "WILDCARDS",
    "Behaviour",
    "CloudflareChallenge",
    "Flaky",
    "Gone",
    "Hang",
    "HeadRefused",
    "HomePage",
    "HostSpec",
    "HugePdf",
    "LoggedRequest",
    "LoginRedirect",
    "NotFound",
    "OEmbed",
    "Page",
    "Parked",
    "PathPage",
    "RateLimited",
    "Raw",
    "Redirect",
    "Reset",
    "Responder",
    "SimRequest",
    "SimWeb",
    "Slow",
    "SoftNotFound",
    "Status",
    "Status999",
    "ToHome",
    "World",
    "YouTubeThumbnail",
    "html_page",
    "plausible_title",
    "retry_after_value",
    "source_hosts",
    "source_urls",
    "synthetic_corpus",
    "world_from_sources",
    "write_markdown",
    "youtube_video_id",
]
