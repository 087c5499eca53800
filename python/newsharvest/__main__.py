"""``python -m newsharvest ARGS``: the ``newsharvest`` command line (extract, crawl, eval, …)."""

import signal
import sys

from . import main

if __name__ == "__main__":
    # The command runs with the GIL released, where Python's own Ctrl-C handler (a flag
    # checked between bytecodes) would wait for the whole run: let the signal act as it
    # does for the binary (extract stops at once; crawl installs its own graceful stop).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
