"""``circles import``: records from other people's lists.

``sources.py`` reads a file (CSV in any encoding and delimiter, or GeoJSON) into rows that
remember their line; ``mapping.py`` reads the mapping file that says which column fills which
field; ``libraries.py`` turns rows into library records, matches them to the records of an
earlier import and reports what it skipped; ``matching.py`` finds near-duplicates and what
vanished; ``yamltext.py`` writes a new record or changes the imported fields of one, keeping
every other byte.
"""
