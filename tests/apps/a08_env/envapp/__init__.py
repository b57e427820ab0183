import os

from flask import Flask
from flask_cors import CORS

ALLOWED = os.environ.get("ALLOWED_ORIGINS", "*").split(",")  # expect: CRS501

app = Flask(__name__)
CORS(app, origins=ALLOWED, supports_credentials=True)


@app.route("/me")
def me():
    return "me"
