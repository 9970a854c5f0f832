"""One spider per source. Spiders route (requests, paging, cursors); parsers parse."""
