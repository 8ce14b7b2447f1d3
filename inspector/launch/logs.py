"""The tool's own log: a rotating file always, and stderr for warnings (more with ``--verbose``).

Log lines name commands, files, hosts and counts, never identities or property values; whatever
comes from a capture goes through ``model.privacy`` before it is logged.
"""

from __future__ import annotations

import logging
import logging.handlers

from inspector.launch.locations import log_file, private_dir

LOGGER_NAME = "inspector"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_HANDLER_MARK = "_uxa_inspector_handler"


def configure(verbosity: int = 0) -> logging.Logger:
    """Set up the ``inspector`` logger once per process: 0 warnings, 1 info, 2+ debug on stderr.

    The file gets info and above whatever the verbosity (debug too at 2+). A log folder that cannot
    be written leaves stderr logging alone: a log is never a reason for a command to fail.
    """
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    stderr = logging.StreamHandler()
    stderr.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG))
    stderr.setFormatter(logging.Formatter("uxa-inspector: %(levelname)s: %(message)s"))
    _add(logger, stderr)
    try:
        private_dir(log_file().parent)
        to_file = logging.handlers.RotatingFileHandler(log_file(), maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8")
        log_file().chmod(0o600)
    except OSError as exc:
        logger.warning("no log file (%s): logging to stderr only", exc.strerror or exc)
        return logger
    to_file.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    to_file.setFormatter(logging.Formatter(FORMAT))
    _add(logger, to_file)
    return logger


def _add(logger: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
