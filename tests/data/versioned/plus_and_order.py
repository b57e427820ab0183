# Resource patterns that flask-cors releases before 6.0.1 apply to other
# routes than 6.0.1 does: '+' read as a space (before 6.0.0), longest
# pattern first (before 6.0.0), fewest '/' first (6.0.0).
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(
    app,
    resources={
        "/docs/a b": {"origins": "https://partner.example.com"},
        r"/api/.*": {"origins": "https://partner.example.com"},
        r"/api/v2/admin/.*": {"origins": "https://admin.example.com", "supports_credentials": True},
        r"/docs/.*": {"origins": "https://app.example.com"},
    },
    allow_private_network=False,
)


@app.route("/docs/<page>")
def docs(page):
    return page


@app.route("/api/v2/admin/users")
def admin_users():
    return "ok"
