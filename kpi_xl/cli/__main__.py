"""``python -m kpi_xl.cli``: the same as ``kpi-xl``."""

import sys

from kpi_xl.cli import main

sys.exit(main())
