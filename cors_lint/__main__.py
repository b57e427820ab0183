from cors_lint.entry import main

main()
