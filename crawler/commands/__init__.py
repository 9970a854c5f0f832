"""Scrapy commands of the project (COMMANDS_MODULE): `scrapy crawl` with exit codes that say
whether the run did its job."""
