"""python -m voice runs the command line."""

from __future__ import annotations

import sys

from voice.cli import main

sys.exit(main())
