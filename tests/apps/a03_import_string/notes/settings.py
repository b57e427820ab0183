CORS_ORIGINS = ["https://notes.example.com", "http://notes.example.com"]  # expect: CRS108
CORS_SUPPORTS_CREDENTIALS = True
