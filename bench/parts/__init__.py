"""The parts of ``python -m bench.run``: each module measures one benchmark beside its baseline and
gives its rows of the table (``add_arguments(parser)``, ``rows(args, workdir)``)."""
