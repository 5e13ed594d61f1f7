"""Exports: every file beside the pages (calendars, feeds, open data, search index, near-me places, flyers, sitemap, toolkit downloads), each saying what it makes."""
