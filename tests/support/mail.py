"""Reading what the app mailed."""

import re

LINK = re.compile(r"https?://\S+")


def link_in(message, path_part: str = "") -> str:
    """The first link in a message's text whose URL contains `path_part`."""
    body = message.get_content()
    for link in LINK.findall(body):
        if path_part in link:
            return link
    raise AssertionError(f"no link containing {path_part!r} in: {body}")


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
