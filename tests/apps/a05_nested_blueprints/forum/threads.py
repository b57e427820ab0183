from flask import Blueprint

threads = Blueprint("threads", __name__, url_prefix="/ignored")


@threads.route("/<int:thread_id>", methods=["GET", "DELETE"])
def thread(thread_id):
    return "thread"


@threads.route("")
def list_threads():
    return "[]"
