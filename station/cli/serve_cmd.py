"""``station serve``: the headless station on the line (no display). Only assembles: the wiring is in
``station.app.line``; the line protocol and its rules are in docs/readme/line.md."""

from __future__ import annotations

import argparse
import sys

from station.app.station import build_station
from station.cli.common import settings_from


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the headless station on the line (MQTT, Modbus TCP, serial)")
    p.add_argument("--product", required=True, action="append", metavar="CODE",
                   help="product code to inspect; repeat it to serve several products (recipes): the first is "
                        "active at start, a trigger or changeover from the line selects another")
    p.add_argument("--camera", help="camera source (default: the station's camera settings, camera.json)")
    p.add_argument("--mqtt", metavar="URL", help="broker, mqtt://HOST:PORT (topics station/<id>/trigger|result|status)")
    p.add_argument("--modbus", metavar="HOST:PORT", help="the PLC's Modbus TCP server")
    p.add_argument("--serial", metavar="DEV", help="serial device (or pyserial URL) for trigger/verdict lines")
    p.add_argument("--opcua", metavar="URL",
                   help="serve OPC UA, opc.tcp://HOST:PORT (0.0.0.0: every interface; endpoint path /station/)")
    p.add_argument("--health-port", type=int, metavar="PORT", help="serve GET /health on 127.0.0.1:PORT (0: any)")
    p.add_argument("--queue-size", type=int, metavar="N", help="triggers that may wait while busy (default 4)")
    p.add_argument("--guides", action="store_true",
                   help="also write the corrective-action guide for FAIL/UNCERTAIN parts (delays the next part)")
    p.add_argument("--language", choices=("en", "ko"), default="en", help="language of the guides")
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from station.app.line import ServeOptions, ServeRun

    ctx = build_station(settings_from(args))
    try:
        run = ServeRun(ctx, ServeOptions(
            product_code=args.product[0], products=tuple(args.product[1:]), camera=args.camera, mqtt=args.mqtt, modbus=args.modbus, serial=args.serial,
            opcua=args.opcua, health_port=args.health_port, queue_size=args.queue_size, guides=args.guides,
            language=args.language))
        run.install_signals()
        print(run.start(), flush=True)
        problem = run.camera_problem()
        if problem is not None:
            print(f"station: {problem} — serving degraded: triggers get an error until it gives frames",
                  file=sys.stderr, flush=True)
        try:
            while not run.wait(0.5):
                pass
        finally:
            print("station: stopping (finishing the inspection in flight)", file=sys.stderr, flush=True)
            run.stop()
        counts = run.station.health()
        print(f"stopped: {counts['inspected']} inspected, {counts['refused']} refused, {counts['errors']} errors",
              flush=True)
    finally:
        ctx.close()
    return 0
