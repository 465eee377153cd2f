"""Speed and accuracy measurements of the station, run by hand (never by the tests), each as a module from the
repository root: ``.venv/bin/python -m benchmarks.<name> --help``. ``central_bulk`` and ``central_checks`` are
the central-scale benchmark's data generator and its checks."""
