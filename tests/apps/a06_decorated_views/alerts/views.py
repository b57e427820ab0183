from flask import Blueprint
from flask_cors import cross_origin

api = Blueprint("api", __name__)


@api.route("/alerts", methods=["GET", "POST"])
@cross_origin()
def alerts():
    return "[]"


@api.route("/alert/<alert_id>")
@cross_origin(supports_credentials=False)
def alert(alert_id):
    return "{}"
