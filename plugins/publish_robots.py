"""/robots.txt for a published database (crawler/ops/publish.py --block-robots): disallow all.

Active only when the metadata says ``plugins: {observatory-publish: {block_robots: true}}``;
otherwise Datasette's own answer (404) stands."""

from datasette import hookimpl
from datasette.utils.asgi import Response


async def robots_txt(datasette):
    config = datasette.plugin_config("observatory-publish") or {}
    if not config.get("block_robots"):
        return Response.text("Not found\n", status=404)
    return Response.text("User-agent: *\nDisallow: /\n")


@hookimpl
def register_routes():
    return [(r"^/robots\.txt$", robots_txt)]
