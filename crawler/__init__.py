"""TikTok Refugee Observatory: the Scrapy project (settings, items, spiders, parsers)."""
