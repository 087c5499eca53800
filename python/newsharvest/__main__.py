"""``python -m newsharvest ARGS``: the ``newsharvest`` command line (extract, crawl, eval, …)."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
