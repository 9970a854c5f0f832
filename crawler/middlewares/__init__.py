"""Scrapy downloader and spider middlewares, one per module (enabled in crawler/settings.py)."""
