from flask_cors import cross_origin
from flask_restful import Resource


class ItemList(Resource):
    def get(self):
        return {"items": []}

    def post(self):
        return {"created": True}, 201


class Item(Resource):
    def get(self, item_id):
        return {"id": item_id}

    def delete(self, item_id):
        return "", 204


class Partner(Resource):
    # Only GET (and HEAD) answer with this policy; PUT and preflights get the app's.
    @cross_origin(origins=["https://partner.example.com"], supports_credentials=True)
    def get(self):
        return {"partner": True}

    def put(self):
        return {"updated": True}

