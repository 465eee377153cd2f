"""The ``station`` command line: one module per sub-command, registered by ``main``."""
