from notes import app


@app.route("/api/notes")
def notes():
    return "[]"


@app.route("/about")
def about():
    return "about"
