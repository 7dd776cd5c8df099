"""Unit tests of the logged connection errors a module names when a client library gives up."""

from __future__ import annotations

import logging

from ansible_collections.streamops.kafka.plugins.module_utils._log_reasons import LoggedReasons


def collect(*messages, limit=2):
    reasons = LoggedReasons('Connection lost: ', logging.ERROR)
    logger = logging.getLogger('test_log_reasons')
    logger.addHandler(reasons)
    try:
        for message in messages:
            logger.error('Connection lost: %s', message)
        logger.error('something else')
        logger.warning('Connection lost: below the level')
    finally:
        logger.removeHandler(reasons)
    return reasons.summary(limit)


def test_nothing_logged_nothing_said():
    assert collect() == ''


def test_the_last_distinct_reasons_in_the_order_logged():
    assert collect('A', 'B', 'A', 'C') == ' (connection errors: A; C)'


def test_an_authentication_refusal_is_named_though_timeouts_followed_it():
    assert collect('SaslAuthenticationFailedError: [Error 58] Authentication failed', 'socket disconnected',
                   'RequestTimedOutError: Request timed out after 79 ms') == \
        ' (connection errors: SaslAuthenticationFailedError: [Error 58] Authentication failed; RequestTimedOutError: Request timed out after 79 ms)'


def test_refusals_fill_the_summary_first():
    assert collect('socket disconnected', 'SSL: CERTIFICATE_VERIFY_FAILED', 'handshake failure', 'timed out') == \
        ' (connection errors: SSL: CERTIFICATE_VERIFY_FAILED; handshake failure)'
