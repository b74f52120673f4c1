from kam_kit.runtime import cli_main

from kam_customer.bootstrap import build
from kam_customer.scan.cli import COMMANDS as SCAN_COMMANDS
from kam_customer.service_layer.key_dates import COMMANDS as KEY_DATE_COMMANDS
from kam_customer.source.cli import COMMANDS as SOURCE_COMMANDS


def main() -> int:
    return cli_main("customer", build, commands={**SOURCE_COMMANDS, **SCAN_COMMANDS, **KEY_DATE_COMMANDS})


if __name__ == "__main__":
    raise SystemExit(main())
