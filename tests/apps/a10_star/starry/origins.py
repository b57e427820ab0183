TRUSTED = ["https://starry.example.com", r"https://.*\.starry\.example\.com$"]
