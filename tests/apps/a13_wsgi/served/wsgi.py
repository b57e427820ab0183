from served import create_app

app = create_app()
