"""``python -m inspector.cli``: the same as the ``uxa-inspector`` script."""

import sys

from inspector.cli.main import main

sys.exit(main())
