from kam_kit.runtime import cli_main

from kam_customer.bootstrap import build
from kam_customer.entrypoints.cli import COMMANDS


def main() -> int:
    return cli_main("customer", build, commands=COMMANDS)


if __name__ == "__main__":
    raise SystemExit(main())
