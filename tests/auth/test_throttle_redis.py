"""Login throttling on the real Redis: the count lives there, so every worker
and every server sees the same failed attempts."""

from __future__ import annotations

import os
import uuid

import pytest

from crm import create_app
from tests.conftest import PASSWORD, AuthActions, skip_or_fail

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# One prefix for the whole run: the limiter keeps the first prefix it is given.
PREFIX = f"crm-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis not reachable at {REDIS_URL}: {error}")
    return client


def test_failed_sign_ins_are_counted_in_redis_across_servers(app, make, redis_client):
    make.user("staff", email="sam@example.org")
    prefix = PREFIX
    config = {**app.config, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    for key in redis_client.scan_iter(f"*{prefix}*"):
        redis_client.delete(key)
    try:
        first_server = AuthActions(create_app(config).test_client())
        for _ in range(3):
            assert first_server.login("sam@example.org", "a wrong guess").status_code == 200
        assert redis_client.keys(f"*{prefix}*"), "the failed attempts are kept in Redis"

        # A second server, started afresh, knows nothing of the first but Redis.
        second_server = AuthActions(create_app(config).test_client())
        for _ in range(2):
            assert second_server.login("sam@example.org", "another wrong guess").status_code == 200
        assert second_server.login("sam@example.org", PASSWORD).status_code == 429, (
            "five failures across two servers reach the per-account limit"
        )
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
        # The login limiter is shared by every app in this process: give it
        # back its in-memory storage for the tests that follow.
        create_app(dict(app.config))
