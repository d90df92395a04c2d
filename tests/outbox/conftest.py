from tests.outbox.helpers import outbox_dir  # noqa: F401
