from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, supports_credentials=True, resources={r"/api/.*": {"origins": "https://app.example.com"}, r"/api/(v1|v2)/.*public.*": {"origins": "*", "supports_credentials": False}})


@app.route("/API/admin")
def admin():
    return "ok"


@app.route("/api/v1/users/public")
def users():
    return "ok"


@app.route("/files/<name>")
def files(name):
    return name
