from flask import Flask
from flask_cors import CORS

app = Flask(__name__, static_folder=None)
CORS(
    app,
    resources={
        r"/api/.*": {"origins": "*"},  # expect: CRS102
        r"/partner/*": {"origins": ["https://partner.example.com"]},  # expect: CRS201
    },
)


@app.get("/api/users")
def users():
    return {"users": []}


# Preflights of every API path; other methods fall through to the page below.
@app.route("/api/<path:rest>", methods=["OPTIONS"])
def api_preflight(rest):
    return ""


# The single-page app: every other path. It serves /api/anything too (GET),
# and flask-cors answers it with the /api/.* resource.
@app.get("/<path:page>")
def page(page):
    return "<html></html>"


@app.get("/shop/<int:item>")
def item(item):
    return {"item": item}
