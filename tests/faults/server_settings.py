"""Settings of the server a fault test starts: the test suite's own, plus what the test shares with
it (the uploads directory, ...), given by the test in FILROUGE_FAULTS_SETTINGS as JSON.

A value given as {"path": "..."} becomes a Path, like the setting it replaces.
"""

import json
import os
from pathlib import Path

from filrouge.settings_test import *  # noqa: F403

for _name, _value in json.loads(os.environ["FILROUGE_FAULTS_SETTINGS"]).items():
    globals()[_name] = Path(_value["path"]) if isinstance(_value, dict) and "path" in _value else _value
