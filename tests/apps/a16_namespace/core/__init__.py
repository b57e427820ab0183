from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, resources={r"/api/.*": {"origins": ["https://spaces.example.com"]}})

from web import api  # noqa: E402

app.register_blueprint(api, url_prefix="/api")
