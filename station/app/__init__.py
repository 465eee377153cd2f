"""The application assembly: the only place that wires adapters to services.

:func:`station.app.station.build_station` builds the station once from its settings, calling one wiring
function per feature (``storage``, ``sync``, ``records``, ``admin``, ``guidance``, ``engine``, ``bench``,
``line``), each taking its dependencies explicitly; the inspection engine and the bench workflow are built
on first use (:class:`station.app.lazy.Lazy`). The front ends take the built station: the GUI (``gui``),
the headless line station (``line``), the demo (``demo``), and the command line, which reaches the
adapters only through ``cli``.
"""
