"""One module per subcommand: each `run(args, out, err) -> exit code`.

They receive the parsed arguments (with `args.env`, the environment cli.py read) and never
read argv or os.environ themselves.
"""
