"""Item pipelines: normalise -> relevance -> dedupe -> store (see settings.ITEM_PIPELINES)."""
