"""What the crawl process does not import: components the crawler turns off, and
tldextract until a URL needs the public-suffix list (docs/performance.md, issue 9)."""

from __future__ import annotations

import subprocess
import sys

from crawler.runner import build_settings

OFF = (
    "scrapy.extensions.remote_control.RemoteControl",  # imports aiohttp
    "scrapy.extensions.telnet.TelnetConsole",  # imports twisted.conch
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",  # imports tldextract, requests
)


def test_the_components_the_crawler_turns_off_are_not_in_its_lists() -> None:
    settings = build_settings()
    assert not settings.getbool("COOKIES_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
    named = {
        *settings.get_component_priority_dict_with_base("EXTENSIONS"),
        *settings.get_component_priority_dict_with_base("DOWNLOADER_MIDDLEWARES"),
    }
    assert not named & set(OFF)
    # What stays is Scrapy's base list, minus those only.
    assert "scrapy.extensions.corestats.CoreStats" in named
    assert "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware" in named


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_tldextract_is_loaded_only_when_a_url_needs_it() -> None:
    prelude = "import sys\nfrom crawler.dedup.canonical import choose_canonical, same_site\n"
    same_host = "choose_canonical('https://www.a.com/x?utm_source=t', rel_canonical='https://www.a.com/y')\n"
    assert run(prelude + same_host + "print('tldextract' in sys.modules)") == "False"
    other_host = "print(same_site('https://news.bbc.co.uk/1', 'https://www.bbc.co.uk/2'), 'tldextract' in sys.modules)"
    assert run(prelude + other_host) == "True True"


def test_the_settings_module_does_not_import_scrapy() -> None:
    # The lock check runs before Scrapy is imported (crawler.locks), and reads these settings.
    assert run("import sys, crawler.settings; print('scrapy' in sys.modules)") == "False"
