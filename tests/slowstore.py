"""Test helper: a store pipeline that holds each batch's transaction open for a while, and says
so in a marker file, so a test can SIGKILL a crawl in the middle of a store batch."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipelines.store import StorePipeline


class SlowStorePipeline(StorePipeline):
    def flush(self) -> None:
        if not self.buffer:
            return
        marker = Path(os.environ["SLOWSTORE_MARKER"])
        with self.store.db.atomic():  # the outer transaction: nothing is committed until it closes
            super().flush()  # rows written (inside the open transaction)
            marker.write_text("in batch")
            time.sleep(float(os.environ.get("SLOWSTORE_SECONDS", "30")))
