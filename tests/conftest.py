"""Suite-wide: the tests never touch the user's own settings, data, logs or CA.

Every per-user location (``inspector.launch.locations``) follows the XDG variables, pointed here at a
folder of this test run before anything is imported; subprocesses inherit them.
"""

from __future__ import annotations

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="uxa-tests-home-")
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.removeprefix("XDG_").removesuffix("_HOME").lower())
