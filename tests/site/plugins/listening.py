"""A plugin that only listens: every file Pelican's ``content_written`` signal announces."""

from pelican import signals

HEARD: list[str] = []


def heard(path, context=None):
    HEARD.append(path)


def register():
    signals.content_written.connect(heard)
