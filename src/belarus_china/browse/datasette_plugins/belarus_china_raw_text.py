"""A Datasette plugin, loaded by `belarus-china serve` with `--plugins-dir` (by path: it imports nothing of the
package), that keeps a package's text from ever being run by the browser:

- `register_routes`: the raw texts the evidence viewer links to (`/package/raw/<file>`) are served from the
  database (the documents table, by the raw_path of its sources row), as `text/plain; charset=utf-8`: no file
  of the package is ever in a folder Datasette serves;
- `asgi_wrapper`: every response says `X-Content-Type-Options: nosniff` (a browser never guesses HTML), and the
  rendered pages under /package/ get a Content-Security-Policy under which no script runs.

Where to find a text comes from serve's metadata (`plugins` -> `belarus-china` -> `raw_text`: the folder name and
the SQL, with a `:path` parameter) and `static` (the URL prefix of the rendered pages).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

PLUGIN = "belarus-china"
NOSNIFF = (b"x-content-type-options", b"nosniff")
# The viewer's pages are static HTML with an inline style sheet: nothing else is needed, and no script may run.
PAGE_POLICY = (b"content-security-policy",
               b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; "
               b"frame-ancestors 'none'")
TEXT_POLICY = {"content-security-policy": "default-src 'none'; sandbox", "x-content-type-options": "nosniff"}


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


@hookimpl
def register_routes(datasette):
    config = _config(datasette)
    raw, static = config.get("raw_text"), config.get("static")
    if not raw or not static:
        return []

    async def raw_text(request):
        name = request.url_vars["name"]
        result = await datasette.get_database().execute(raw["sql"], {"path": f"{raw['folder']}/{name}"})
        row = result.first()
        if row is None or not isinstance(row[0], str):
            return Response.text("Not found", status=404, headers=dict(TEXT_POLICY))
        return Response.text(row[0], headers=dict(TEXT_POLICY))

    return [(rf"^{re.escape(static + raw['folder'])}/(?P<name>[^/]+)$", raw_text)]


@hookimpl
def asgi_wrapper(datasette):
    static = (_config(datasette).get("static") or "/package/").encode()

    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            asgi_key = "raw_path"  # another vocabulary's word, not a column
            page = scope.get(asgi_key, scope.get("path", "").encode()).startswith(static)

            async def sending(message):
                if message.get("type") == "http.response.start":
                    headers = [h for h in message.get("headers", []) if bytes(h[0]).lower() != NOSNIFF[0]]
                    headers.append(NOSNIFF)
                    if page and not any(bytes(h[0]).lower() == PAGE_POLICY[0] for h in headers):
                        headers.append(PAGE_POLICY)
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, sending)

        return with_headers

    return wrap
