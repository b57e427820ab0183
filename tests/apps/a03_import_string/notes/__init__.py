from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
app.config.from_object("notes.settings")
CORS(app, resources=r"/api/*")  # expect: CRS201

from . import views  # noqa: E402,F401
