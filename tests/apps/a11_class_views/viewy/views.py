from flask.views import MethodView, View


class ItemAPI(MethodView):
    def get(self):
        return "items"

    def post(self):
        return "created"


class ReportView(View):
    methods = ["GET", "PATCH"]

    def dispatch_request(self):
        return "report"


def ping():
    return "pong"
