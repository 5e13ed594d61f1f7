"""The directory: valid records linked into models (circles with their library and network, places, schedules) for one build date."""
