"""Datasette plugin: Chinese-aware full-text search queries.

The index holds jieba-segmented text (crawler/segment.py). This plugin re-registers Datasette's
``escape_fts`` SQL function so a query typed without spaces (``TikTok难民``) is segmented the same
way before it is escaped: every word must match (AND), as in Datasette's default search.
``segment`` also folds traditional characters to simplified ones, as the index does, so
``_search=小紅書`` finds what ``小红书`` finds.
"""

from datasette import hookimpl
from datasette.utils import escape_fts

from crawler.segment import segment


def escape_fts_segmented(query: str) -> str:
    return escape_fts(" ".join(segment(query).split()))


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts_segmented)
