from kam_kit.runtime import cli_main

from kam_report.bootstrap import build
from kam_report.entrypoints.cli import commands


def main() -> int:
    return cli_main("report", build, commands=commands(build))


if __name__ == "__main__":
    raise SystemExit(main())
