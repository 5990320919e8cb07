"""The edge: the `nocontact` command (cli, one module per subcommand) and `make package`
(package_lambda). Each command parses its options, makes one library call and formats the
result; it may import every other package, and nothing imports it.
"""
