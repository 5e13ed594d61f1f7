"""Learning Circles Directory: a Pelican plugin that builds the directory site.

The build's stages are the sub-packages (records → directory → pages → exports, with the
incremental layer beside them); timeline.py says what runs when. ARCHITECTURE.md draws it.
"""

import logging


def get_generators(pelican):
    """Hand Pelican the generator that builds and writes the directory."""
    # Imported here so the `circles` command-line tools never load the renderer.
    from circles.generator import DirectoryGenerator

    return DirectoryGenerator


def register():
    # Imported here, as Pelican registers the plugin: a process that only runs part of the build
    # (fresh.Fresh) or a command-line tool need not load Pelican.
    from pelican import signals

    from circles.generator import message_only

    signals.get_generators.connect(get_generators)
    logging.getLogger("pelican").addFilter(message_only)
