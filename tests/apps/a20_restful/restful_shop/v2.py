from flask import Blueprint
from flask_restful import Api, Resource

bp = Blueprint("v2", __name__)
api = Api(bp, prefix="/api")


class Status(Resource):
    def get(self):
        return {"ok": True}


class Base(Resource):
    def get(self):
        return {}


class Child(Base):
    def post(self):
        return {}


api.add_resource(Status, "/status")
api.add_resource(Child, "/child", "/child/<name>")
