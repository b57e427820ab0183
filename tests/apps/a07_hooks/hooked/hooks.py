from flask import request

PARTNERS = {"https://partner.example.net"}


def add_security_headers(response):
    response.headers["X-Frame-Options"] = "DENY"
    return response


def allow_partner(response):
    origin = request.headers.get("Origin")
    if origin in PARTNERS:
        response.headers["Access-Control-Allow-Origin"] = origin  # expect: CRS404 CRS312
    return response
