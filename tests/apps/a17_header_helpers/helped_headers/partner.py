from flask import Blueprint

from helped_headers.web import request

partner = Blueprint("partner", __name__)


@partner.after_request
def partner_cors(response):
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "")  # expect: CRS401 CRS404
    return response


@partner.route("/offers")
def offers():
    return "offers"
