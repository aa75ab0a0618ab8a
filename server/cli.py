"""Command line (placeholder, replaced below)."""


def main() -> None:
    raise SystemExit("metrokawa: en construction")
