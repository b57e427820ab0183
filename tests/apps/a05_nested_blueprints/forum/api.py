from flask import Blueprint
from flask_cors import CORS

from .threads import threads

api = Blueprint("api", __name__)
api.register_blueprint(threads, url_prefix="/threads")
CORS(api, origins=["https://forum.example.com"], supports_credentials=True)


@api.route("/status")
def status():
    return "up"
