"""Plain text from the small HTML that Mastodon and ActivityPub put in posts and bios.

Mastodon renders a status as `<p>` paragraphs with `<br>` line breaks, links and mention or
hashtag spans (https://docs.joinmastodon.org/spec/activitypub/#sanitization); the inbox and the
guard read words, so the markup goes and the line structure stays. A long link is split into
visible and `invisible` spans: their text together is the whole address, which is kept.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["first_link", "plain_text"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text a reader sees, paragraphs separated by a blank line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()


def first_link(html: str) -> str | None:
    """The first link's target, e.g. the website in a profile field."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.links[0] if parser.links else None
