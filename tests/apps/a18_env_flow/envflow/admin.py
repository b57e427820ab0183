import os

from flask import Blueprint
from flask_cors import cross_origin

admin = Blueprint("admin", __name__)

ADMIN_ORIGINS = os.getenv("ENVFLOW_ADMIN_ORIGINS", "")
ADMIN_ORIGINS = [o.strip().rstrip("/") for o in ADMIN_ORIGINS.split(",") if o.strip()] or ["https://admin.envflow.example"]


@admin.route("/users")
@cross_origin(origins=ADMIN_ORIGINS, supports_credentials=True)
def users():
    return "users"
