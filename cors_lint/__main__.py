from cors_lint.cli import main

main(prog_name="cors-lint")
