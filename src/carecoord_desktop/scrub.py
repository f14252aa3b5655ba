"""Unexpected errors without the data they carry.

A database error's message can hold the row it failed on (SQLAlchemy appends `[parameters: …]`,
a Python error repeats the value it choked on). Everything that reaches stderr, a log or a
message box goes through here: the user gets a plain message that says what to do, the log gets
the exception types and the code's frames with every value-like part of the messages masked.
No Qt here: the GUI's hooks (ui/shell/error_report.py) and the CLI share these functions.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType

from carecoord_desktop.errors import CareCoordError

log = logging.getLogger("carecoord_desktop")

MASK = "…"
_SCRUBBERS: tuple[tuple[re.Pattern, str], ...] = (
    # SQLAlchemy's bound values, to the end of the line (they are printed on one line).
    (re.compile(r"\[parameters:[^\n]*"), "[parameters hidden]"),
    # Quoted text: KeyError('Smith'), "invalid literal for int(): 'Zoë'", x'…' key literals.
    (re.compile(r"'(?:[^'\\\n]|\\.)*'"), f"'{MASK}'"),
    (re.compile(r'"(?:[^"\\\n]|\\.)*"'), f'"{MASK}"'),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASK),  # e-mail addresses
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"), MASK),  # dates
    (re.compile(r"\+?\d[\d ]{4,}\d"), MASK),  # Medicare, phone and other long numbers
    (re.compile(r"\b[0-9a-fA-F]{24,}\b"), MASK),  # hex: keys, hashes
)
_MAX_MESSAGE = 300


def scrub_text(text: str) -> str:
    """`text` with parameters, quoted values, dates, long numbers and hex masked."""
    for pattern, repl in _SCRUBBERS:
        text = pattern.sub(repl, text)
    return text


def _first_line(exc: BaseException) -> str:
    message = scrub_text(str(exc)).strip().splitlines()
    text = message[0] if message else ""
    return text[:_MAX_MESSAGE]


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out and len(out) < 8:
        out.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return out


def describe(exc: BaseException) -> str:
    """One scrubbed line per exception of the chain: `Type: message`."""
    return " <- ".join(f"{type(e).__name__}: {_first_line(e)}" for e in _chain(exc))


def scrubbed_report(exc: BaseException, tb: TracebackType | None = None, *, where: str = "") -> str:
    """For a log: where it happened, the frames (file, line, function; code only, no values)
    and the scrubbed messages. Never the locals, the parameters or the full messages."""
    lines = [f"Unexpected error{f' in {where}' if where else ''}: {describe(exc)}"]
    for e in reversed(_chain(exc)):
        frames = traceback.extract_tb(tb if e is exc and tb is not None else e.__traceback__)
        lines.append(f"  {type(e).__name__} raised at:")
        # Our own frames say where; of the libraries' only the innermost two.
        keep = [f for i, f in enumerate(frames) if "carecoord_desktop" in f.filename
                or i >= len(frames) - 2]  # fmt: skip
        lines += [f"    {f.filename}:{f.lineno} in {f.name}" for f in keep[-16:]]
    return "\n".join(lines)


class UnexpectedError(CareCoordError):
    """An error nobody planned for, told in words; the original is logged scrubbed only."""

    def __init__(self, exc: BaseException) -> None:
        self.kind = type(exc).__name__
        super().__init__(plain_message(exc))


def plain_message(exc: BaseException) -> str:
    """What the user reads: what happened, that nothing saved was lost, and what to do."""
    kind = type(exc).__name__
    text = str(getattr(exc, "orig", None) or exc).lower()
    if kind == "OperationalError" and ("locked" in text or "busy" in text):
        return (
            "The workspace is busy: another window or computer is saving. Nothing was changed. "
            "Wait a moment and try again."
        )
    if kind == "OperationalError" and ("disk" in text or "full" in text or "i/o" in text):
        return (
            "The workspace's disk could not be written (it may be full or disconnected). "
            "This change was not saved; nothing saved before was lost. Free some space or "
            "reconnect the drive, then try again."
        )
    if kind == "IntegrityError":
        return (
            "This change was not saved: it clashed with a record saved at the same moment "
            "(for example the same practice id). Nothing saved before was lost. Try again; "
            "if it keeps happening, tell your practice administrator."
        )
    if isinstance(exc, MemoryError):
        return (
            "The computer ran out of memory for this action; it was not completed. Close other "
            "programs and try again."
        )
    return (
        f"Something unexpected went wrong ({kind}) and this action was not completed. "
        "Nothing saved before was lost. Try again; if it happens again, note the time and tell "
        "your practice administrator."
    )


def as_user_error(exc: BaseException, *, where: str = "") -> CareCoordError:
    """A CareCoordError as it is; anything else logged scrubbed and told in words."""
    if isinstance(exc, CareCoordError):
        return exc
    log.error(scrubbed_report(exc, where=where))
    return UnexpectedError(exc)


class ScrubFilter(logging.Filter):
    """Masks values in every record a handler writes (ours and third parties')."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:  # a text argument may be anything typed: it is masked whole
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            masked = tuple(MASK if isinstance(a, str) else a for a in args)
            try:
                record.msg = str(record.msg) % masked
            except (TypeError, ValueError):
                record.msg = f"{record.msg} {MASK}"
        record.msg = scrub_text(str(record.msg))
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.msg += "\n" + scrubbed_report(record.exc_info[1], record.exc_info[2])
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced after install)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(stream=None) -> logging.Handler:
    """One stderr handler with the scrub filter on our logger (idempotent)."""
    for handler in log.handlers:
        if getattr(handler, "_carecoord_scrubbed", False):
            return handler
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._carecoord_scrubbed = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.propagate = False
    return handler


def install_excepthooks(on_main_thread_error=None) -> None:
    """sys.excepthook and threading.excepthook log a scrubbed report instead of the raw
    traceback; `on_main_thread_error(message)` (the GUI's message box) tells the user."""
    configure_logging()

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error(scrubbed_report(exc, tb, where="the main thread"))
        if on_main_thread_error is not None:
            user = exc if isinstance(exc, CareCoordError) else UnexpectedError(exc)
            on_main_thread_error(str(user))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread else "a worker thread"
        log.error(scrubbed_report(args.exc_value, args.exc_traceback, where=name))

    sys.excepthook = hook
    threading.excepthook = thread_hook
