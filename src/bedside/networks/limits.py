"""Each network's limits, from the one limits file the guard reads (guard/data/limits.toml).

The guard's loader (`bedside.guard.lengths.limits`) parses and checks the file; this module only
turns its `NetworkLimits` into the connectors' `Limits`, so there is one reader and one set of
values. The guard imports nothing of the networks package; the dependency goes this way only.

    limits_for("mastodon")   Limits(name="Mastodon", max_length=500, unit="graphemes", ...)
    measure(text, "x")       the post's length in the network's own units (X: weighted)
    check_post(post, limits) refuse more images, or longer alt text, than the network takes
"""

from __future__ import annotations

from bedside.errors import BedsideError
from bedside.guard import lengths
from bedside.networks.base import Limits, OutgoingPost, PermanentError

__all__ = ["MissingLimits", "check_post", "limits_for", "measure"]


class MissingLimits(BedsideError, KeyError):
    """guard/data/limits.toml has no entry for this network."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0])


def limits_for(network: str) -> Limits:
    """Return `network`'s limits as last checked; raise MissingLimits when the file has none."""
    try:
        known = lengths.limits(network)
    except KeyError:
        raise MissingLimits(
            f"guard/data/limits.toml has no limits for {network!r}: add a [networks.{network}]"
            " table with the date they were checked and their source."
        ) from None
    return Limits(
        name=known.name,
        max_length=known.max_length,
        unit=known.unit,
        max_images=known.max_images,
        alt_text_max=known.alt_text_max,
        bio_max=known.bio_max,
        display_name_max=known.display_name_max,
        max_bytes=known.max_bytes,
        checked=known.checked,
        source=known.source,
    )


def measure(text: str, network: str) -> int:
    """Return the length of `text` in `network`'s units, as the guard and the network count."""
    limits_for(network)  # MissingLimits, with the fix, for a network the file lacks
    return lengths.measure(text, network)


def check_post(post: OutgoingPost, limits: Limits) -> None:
    """Raise PermanentError for more images, or longer alt text, than `limits` allow."""
    name, max_images, alt_max = limits.name, limits.max_images, limits.alt_text_max
    if max_images is not None and len(post.images) > max_images:
        raise PermanentError(f"{name} takes at most {max_images} images a post; this one has"
                             f" {len(post.images)}.")
    for number, image in enumerate(post.images, 1):
        if alt_max is not None and len(image.alt) > alt_max:
            raise PermanentError(f"{name} takes alt text of at most {alt_max} characters; image"
                                 f" {number} has {len(image.alt)}.")
