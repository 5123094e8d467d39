"""Pure converters between bytes and domain objects: vCard, CSV, iCalendar.

No file I/O, no database, no UI: ``rolodex.core.imports`` reads files and stores what the
converters yield, so they can be fuzzed and tested byte for byte.
"""
