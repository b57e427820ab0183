from flask import Blueprint, Flask

from helped_headers.cors_headers import add_cors, reflect_any

app = Flask(__name__)
open_api = Blueprint("open_api", __name__)


@app.after_request
def after(response):
    return add_cors(response)


@open_api.after_request
def open_after(response):
    response = reflect_any(response)
    return response


@app.route("/account")
def account():
    return "account"


@open_api.route("/feed")
def feed():
    return "feed"


app.register_blueprint(open_api, url_prefix="/open")

from helped_headers.partner import partner  # noqa: E402

app.register_blueprint(partner, url_prefix="/partner")
