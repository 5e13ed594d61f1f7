"""The ``circles`` command: validate, new, geocode, linkcheck and docs; the only code that reaches the network."""
