class Config:
    CORS_ORIGINS = ["https://subs.example.com"]
    CORS_SUPPORTS_CREDENTIALS = True
