"""The API's body parser: a JSON body is an object; no body is sent as none.

Ninja's own parser hands any JSON value to validation, where ``null``, a bare
number or a list given for an object with only optional fields passes as an
empty update. Refusing them here answers 400 ``bad_request``, as for a body
that is not JSON at all.
"""

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class JsonObjectParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data
