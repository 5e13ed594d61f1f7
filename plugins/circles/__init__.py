"""Learning Circles Directory: a Pelican plugin that builds the directory site.

Records travel load → validate → enrich → render → export; see the modules
of the same names.
"""

from pelican import signals


def get_generators(pelican):
    """Hand Pelican the generator that builds and writes the directory."""
    # Imported here so the `circles` command-line tools never load the renderer.
    from circles.generator import DirectoryGenerator

    return DirectoryGenerator


def register():
    signals.get_generators.connect(get_generators)
