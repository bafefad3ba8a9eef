"""``python -m lrcore``: the ``lrcore`` command (see `lrcore._cli`)."""

import sys

from ._cli import main

sys.exit(main())
