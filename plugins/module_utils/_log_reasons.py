# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Why a client library's connections failed, collected from its log (private module_utils).

kafka-python and kazoo retry a failed connection until their own timeout and then raise a
generic error; the cause (a TLS handshake refused, credentials refused, the peer hanging up)
is only logged. A handler collects the causes so a module's message can name them.
"""

from __future__ import annotations

import logging
import re

# Reasons that say why a server refused the client: named first, however many others followed.
_REFUSALS = re.compile(r'authenticat|sasl|ssl|tls|certificate|handshake', re.IGNORECASE)


class LoggedReasons(logging.Handler):
    """Collects the text after ``marker`` in log records at ``level`` or above, the last distinct ones."""

    def __init__(self, marker: str, level: int) -> None:
        super().__init__(level)
        self.marker = marker
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # pylint: disable=broad-except
            return
        if self.marker in message:
            reason = message.split(self.marker, 1)[1].strip()
            if reason in self.reasons:
                self.reasons.remove(reason)
            self.reasons.append(reason)

    def summary(self, limit: int = 2) -> str:
        """``' (connection errors: ...)'`` with ``limit`` distinct reasons, or ``''``.

        Refusals (authentication, TLS) come first, then the latest others, each group in the order
        logged: a wrong password is named even when timeouts and disconnections followed it.
        """
        if not self.reasons:
            return ''
        refusals = [r for r in self.reasons if _REFUSALS.search(r)][-limit:]
        room = limit - len(refusals)
        others = [r for r in self.reasons if r not in refusals][-room:] if room > 0 else []
        return ' (connection errors: %s)' % '; '.join(refusals + others)
