"""``circles import``: records from other people's lists.

``sources.py`` reads a file (CSV in any encoding and delimiter, or GeoJSON) into rows that
remember their line; ``mapping.py`` reads the mapping file that says which column fills which
field; ``libraries.py`` turns rows into library records, matches them to the records of an
earlier import and reports what it skipped; ``matching.py`` finds near-duplicates and what
vanished; ``yamltext.py`` writes a new record or changes the imported fields of one, keeping
every other byte.

``circles import directory`` reads another directory's published data instead: ``fetch.py`` gets
each file within limits, ``package.py`` checks the package with frictionless and reads its rows,
``federation.py`` makes them records with their provenance, and ``staging.py`` checks those with
every record here before any is written.

``circles import calendar`` reads a library's iCalendar feed: ``icalfeed.py`` lists its events,
``recurrence.py`` turns a weekly one's repeat rule into meetings, and ``drafts.py`` writes each series
as a draft circle, checked with ``staging.py`` too. ``circles import all`` (``scheduled.py``) runs the
imports listed in imports.yml, as the weekly workflow does.
"""
