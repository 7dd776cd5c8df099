"""Make the checkout importable as ansible_collections.streamops.kafka for unit tests."""

from __future__ import annotations

import os
import sys

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_COLLECTIONS = os.path.join(_ROOT, ".build", "collections")
_LINK = os.path.join(_COLLECTIONS, "ansible_collections", "streamops", "kafka")
if not os.path.islink(_LINK) and not os.path.isdir(_LINK):
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    os.symlink(_ROOT, _LINK)
if _COLLECTIONS not in sys.path:
    sys.path.insert(0, _COLLECTIONS)
