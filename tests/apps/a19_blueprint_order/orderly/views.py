from flask import Blueprint
from flask_cors import cross_origin

api = Blueprint("api", __name__)
admin = Blueprint("admin", __name__)


# Above the route decorator: the decorator never applies, but the blueprint
# adds the route after it has switched Flask's automatic OPTIONS off.
@cross_origin(origins=["https://partner.example.com"])  # expect: CRS305
@api.route("/orders", methods=["POST"])
def create_order():
    return "created"


@cross_origin(origins=["https://partner.example.com"])  # expect: CRS305
@admin.route("/purge", methods=["POST"])
def purge():
    return "purged"


# With automatic_options=False the decorator leaves the view alone.
@cross_origin(origins=["https://partner.example.com"], automatic_options=False)  # expect: CRS305
@admin.route("/stats")
def stats():
    return "stats"


@admin.route("/report")
@cross_origin(origins=["https://partner.example.com"], automatic_options=False)
def report():
    return "report"
