"""Records: YAML files read, typed by schema/ and checked, every problem reported with its file, line and field."""
