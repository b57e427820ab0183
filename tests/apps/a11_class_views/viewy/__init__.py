from flask import Flask
from flask_cors import CORS

from .views import ItemAPI, ReportView, ping


def create_app():
    app = Flask(__name__)
    CORS(app, resources={r"/items*": {"origins": "https://viewy.example.com"}, "/ping": {}})  # expect: CRS102 CRS201
    app.add_url_rule("/items", view_func=ItemAPI.as_view("items"))
    app.add_url_rule("/reports", view_func=ReportView.as_view("reports"))
    app.add_url_rule("/ping", "ping", ping)
    return app
