from kam_kit.runtime import cli_main

from kam_notice.bootstrap import build


def main() -> int:
    return cli_main("notice", build)


if __name__ == "__main__":
    raise SystemExit(main())
