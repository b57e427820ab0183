"""Header helpers kept apart from the app, as many projects do."""

from flask import request

TRUSTED = {"https://portal.helped.example.com"}


def current_origin():
    return request.headers.get("Origin", "")


def requested_origin():
    return current_origin()


def add_cors(response):
    origin = requested_origin()
    if origin in TRUSTED:
        response.headers["Access-Control-Allow-Origin"] = origin  # expect: CRS404
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def reflect_any(response):
    response.headers["Access-Control-Allow-Origin"] = requested_origin()  # expect: CRS401 CRS404
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
