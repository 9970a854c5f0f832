"""Command-line operations (run every source, replay, takedown, cluster); each `python -m crawler.ops.X`
and a Make target. A usage error is one line and exit 2; a run that did not do its job exits 1."""
