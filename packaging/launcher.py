"""The frozen app's entry script: the same `main` as the `netdesk` command."""

import sys

from netdesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
